#pragma once
// What a BookStore access token says about its bearer, and the role checks services share.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::auth {

enum class Role { kUser, kAdmin };

std::string_view RoleName(Role role);  // "user", "admin"
std::optional<Role> ParseRole(std::string_view name);

struct Claims {
  std::string issuer;    // iss
  std::string audience;  // aud; after Verify, the expected audience that the token named
  std::string subject;   // sub: the user id as the decimal string of a positive integer
  std::string name;      // the user's display name
  Role role = Role::kUser;
  std::chrono::sys_seconds issued_at{};   // iat
  std::chrono::sys_seconds expires_at{};  // exp
  std::string token_id;                   // jti: what logout revokes

  // The subject as a number; 0 when it is not a positive integer (never the case after Verify).
  [[nodiscard]] std::int64_t UserId() const;

  bool operator==(const Claims&) const = default;
};

// "1", "42" — digits only, no sign, no leading zero, fits in int64, not zero.
bool IsValidSubject(std::string_view subject);

// 128 random bits as base64url (22 characters).
std::string NewTokenId();

// Claims for a fresh token: iat = now, exp = now + ttl, a new jti.
Claims NewClaims(std::string issuer, std::string audience, std::int64_t user_id, std::string name, Role role,
                 std::chrono::sys_seconds now, std::chrono::seconds ttl);

// Admin satisfies every role requirement; a user only kUser.
bool HasRole(const Claims& claims, Role required);
bool IsAdmin(const Claims& claims);
// The owner-or-admin rule of PUT/DELETE /books/{id}, GET /orders/{id}, cancel.
bool IsSelfOrAdmin(const Claims& claims, std::int64_t owner_user_id);

// Whole seconds of the system clock, the resolution of JWT times.
std::chrono::sys_seconds NowSeconds();

}  // namespace bookstore::auth
