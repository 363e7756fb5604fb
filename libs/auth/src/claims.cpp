#include "bookstore/auth/claims.h"

#include <charconv>
#include <stdexcept>

#include "bookstore/auth/sodium.h"

namespace bookstore::auth {

std::string_view RoleName(Role role) { return role == Role::kAdmin ? "admin" : "user"; }

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "user") {
    return Role::kUser;
  }
  if (name == "admin") {
    return Role::kAdmin;
  }
  return std::nullopt;
}

bool IsValidSubject(std::string_view subject) {
  if (subject.empty() || subject.front() == '0') {
    return false;
  }
  std::int64_t value = 0;
  const auto* end = subject.data() + subject.size();
  const auto [ptr, ec] = std::from_chars(subject.data(), end, value);
  return ec == std::errc() && ptr == end && value > 0;
}

std::int64_t Claims::UserId() const {
  if (!IsValidSubject(subject)) {
    return 0;
  }
  std::int64_t value = 0;
  std::from_chars(subject.data(), subject.data() + subject.size(), value);
  return value;
}

std::string NewTokenId() { return RandomToken(16); }

Claims NewClaims(std::string issuer, std::string audience, std::int64_t user_id, std::string name, Role role,
                 std::chrono::sys_seconds now, std::chrono::seconds ttl) {
  if (user_id <= 0) {
    throw std::invalid_argument("user id must be positive");
  }
  if (ttl <= std::chrono::seconds::zero()) {
    throw std::invalid_argument("token lifetime must be positive");
  }
  return Claims{.issuer = std::move(issuer),
                .audience = std::move(audience),
                .subject = std::to_string(user_id),
                .name = std::move(name),
                .role = role,
                .issued_at = now,
                .expires_at = now + ttl,
                .token_id = NewTokenId()};
}

bool HasRole(const Claims& claims, Role required) {
  return claims.role == Role::kAdmin || claims.role == required;
}

bool IsAdmin(const Claims& claims) { return claims.role == Role::kAdmin; }

bool IsSelfOrAdmin(const Claims& claims, std::int64_t owner_user_id) {
  return IsAdmin(claims) || (owner_user_id > 0 && claims.UserId() == owner_user_id);
}

std::chrono::sys_seconds NowSeconds() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace bookstore::auth
