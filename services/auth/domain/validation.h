#pragma once
// The rules of registration and login input, pure and unit-tested (services/auth/tests).
//
// - email: its account key comes from bookstore/auth/email.h (shared with the gateway's login limiter):
//   surrounding spaces trimmed, no control characters, ASCII lower case. Registration also requires
//   3-254 characters of the WHATWG (HTML <input type=email>) syntax, a deliberate
//   subset of RFC 5322 that real mail systems accept: local part of  A-Z a-z 0-9 . ! # $ % & ' * + / = ? ^ _
//   ` { | } ~ - (at most 64), "@", a domain of dot-separated labels (letters, digits, inner hyphens; 1-63
//   each) with at least one dot. ASCII only, so lowercasing the key makes uniqueness case-insensitive.
// - name: trimmed; 1-100 code points of valid UTF-8 without control characters (C0, DEL, C1).
// - password: 8-128 code points of valid UTF-8 (kept exactly as given: never trimmed).

#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace bookstore::auth_service {

inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMaxEmailLocalLength = 64;
inline constexpr std::size_t kMinNameLength = 1;
inline constexpr std::size_t kMaxNameLength = 100;
inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 128;

// A rule broken by one field of the input: a 400 problem with member "field".
struct ValidationError {
  std::string field;
  std::string message;
  bool operator==(const ValidationError&) const = default;
};

// UTF-8, lengths and trimming: bookstore/text/utf8.h (names are trimmed of ASCII whitespace; emails
// follow bookstore/auth/email.h instead).

// Checks an already trimmed value; nullopt when it is fine.
std::optional<ValidationError> ValidateEmail(std::string_view email);
std::optional<ValidationError> ValidateName(std::string_view name);
std::optional<ValidationError> ValidatePassword(std::string_view password);

struct Registration {
  std::string name;              // trimmed
  std::string email;             // trimmed, as typed (shown back to the user)
  std::string normalized_email;  // its account key (bookstore/auth/email.h)
  std::string password;
};

// From the body of POST /auth/register. Unknown members are ignored; each of name, email and password
// must be a string (missing or null: "<field> is required"; another type: "<field> must be a string").
std::variant<Registration, ValidationError> ParseRegistration(const boost::json::object& body);

struct LoginRequest {
  std::string normalized_email;
  std::string password;
};

// From the body of POST /auth/login: email and password must be strings, and the email must have an
// account key (no control characters, at most 254 characters). Its format is not checked further: a
// malformed email simply matches no user (same 401 as any bad credentials).
std::variant<LoginRequest, ValidationError> ParseLogin(const boost::json::object& body);

}  // namespace bookstore::auth_service
