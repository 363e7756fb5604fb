#include "domain/validation.h"

#include <boost/json/string.hpp>
#include <utility>

#include "bookstore/auth/email.h"
#include <cstdint>

namespace bookstore::auth_service {

namespace {

bool IsAsciiWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool IsLocalPartChar(char c) {
  static constexpr std::string_view kSpecials = ".!#$%&'*+/=?^_`{|}~-";
  return IsAsciiAlpha(c) || IsAsciiDigit(c) || kSpecials.find(c) != std::string_view::npos;
}

bool IsValidDomainLabel(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!IsAsciiAlpha(c) && !IsAsciiDigit(c) && c != '-') return false;
  }
  return true;
}

bool IsValidDomain(std::string_view domain) {
  if (domain.find('.') == std::string_view::npos) return false;  // "user@localhost" is not a mailbox here
  while (true) {
    auto dot = domain.find('.');
    if (!IsValidDomainLabel(domain.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    domain.remove_prefix(dot + 1);
  }
}

// Decodes one UTF-8 sequence at text[i]; returns its length and stores the code point, or 0 when
// invalid.
std::size_t DecodeUtf8(std::string_view text, std::size_t i, std::uint32_t& code_point) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF) return 0;     // overlong or out of range
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;  // UTF-16 surrogate
  return length;
}

bool IsControl(std::uint32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
}

// Reads a member that must be a string. Missing or null: "<field> is required".
std::variant<std::string, ValidationError> StringMember(const boost::json::object& body,
                                                        std::string_view field) {
  const auto* value = body.if_contains(field);
  if (value == nullptr || value->is_null())
    return ValidationError{std::string(field), std::string(field) + " is required"};
  if (!value->is_string())
    return ValidationError{std::string(field), std::string(field) + " must be a string"};
  return std::string(value->as_string());
}

// The "email" member and its account key (bookstore/auth/email.h, the gateway's rule too).
std::variant<auth::EmailKey, ValidationError> EmailMember(const boost::json::object& body) {
  auto email = StringMember(body, "email");
  if (auto* error = std::get_if<ValidationError>(&email)) return *error;
  auto parsed = auth::ParseEmailKey(std::get<std::string>(email));
  if (auto* problem = std::get_if<auth::EmailProblem>(&parsed)) {
    return ValidationError{"email", std::move(problem->message)};
  }
  return std::move(std::get<auth::EmailKey>(parsed));
}

}  // namespace

std::optional<std::size_t> CountCodePoints(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t code_point = 0;
    auto length = DecodeUtf8(text, i, code_point);
    if (length == 0) return std::nullopt;
    i += length;
    ++count;
  }
  return count;
}

std::string_view TrimWhitespace(std::string_view text) {
  while (!text.empty() && IsAsciiWhitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiWhitespace(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<ValidationError> ValidateEmail(std::string_view email) {
  auto invalid = [](std::string message) { return ValidationError{"email", std::move(message)}; };
  if (email.empty()) return invalid("email is required");
  if (email.size() > kMaxEmailLength) {
    return invalid("email must be at most " + std::to_string(kMaxEmailLength) + " characters");
  }
  auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return invalid("email must be an address like name@example.com");
  }
  auto local = email.substr(0, at);
  auto domain = email.substr(at + 1);
  if (local.empty() || local.size() > kMaxEmailLocalLength) {
    return invalid("email must be an address like name@example.com");
  }
  for (char c : local) {
    if (!IsLocalPartChar(c)) return invalid("email must be an address like name@example.com");
  }
  if (!IsValidDomain(domain)) return invalid("email must be an address like name@example.com");
  return std::nullopt;
}

std::optional<ValidationError> ValidateName(std::string_view name) {
  auto invalid = [](std::string message) { return ValidationError{"name", std::move(message)}; };
  std::size_t count = 0;
  for (std::size_t i = 0; i < name.size();) {
    std::uint32_t code_point = 0;
    auto length = DecodeUtf8(name, i, code_point);
    if (length == 0) return invalid("name must be valid UTF-8");
    if (IsControl(code_point)) return invalid("name must not contain control characters");
    i += length;
    ++count;
  }
  if (count < kMinNameLength) return invalid("name is required");
  if (count > kMaxNameLength) {
    return invalid("name must be at most " + std::to_string(kMaxNameLength) + " characters");
  }
  return std::nullopt;
}

std::optional<ValidationError> ValidatePassword(std::string_view password) {
  auto invalid = [](std::string message) { return ValidationError{"password", std::move(message)}; };
  auto count = CountCodePoints(password);
  if (!count) return invalid("password must be valid UTF-8");
  if (*count < kMinPasswordLength || *count > kMaxPasswordLength) {
    return invalid("password must be between " + std::to_string(kMinPasswordLength) + " and " +
                   std::to_string(kMaxPasswordLength) + " characters");
  }
  return std::nullopt;
}

std::variant<Registration, ValidationError> ParseRegistration(const boost::json::object& body) {
  Registration registration;
  // Fields are checked in the order of the form (name, email, password); the first problem is reported.
  auto name = StringMember(body, "name");
  if (auto* error = std::get_if<ValidationError>(&name)) return *error;
  registration.name = std::string(TrimWhitespace(std::get<std::string>(name)));
  if (auto error = ValidateName(registration.name)) return *error;

  auto email = EmailMember(body);
  if (auto* error = std::get_if<ValidationError>(&email)) return *error;
  auto& key = std::get<auth::EmailKey>(email);
  if (auto error = ValidateEmail(key.as_typed)) return *error;
  registration.email = std::move(key.as_typed);
  registration.normalized_email = std::move(key.key);

  auto password = StringMember(body, "password");
  if (auto* error = std::get_if<ValidationError>(&password)) return *error;
  registration.password = std::move(std::get<std::string>(password));
  if (auto error = ValidatePassword(registration.password)) return *error;
  return registration;
}

std::variant<LoginRequest, ValidationError> ParseLogin(const boost::json::object& body) {
  auto email = EmailMember(body);
  if (auto* error = std::get_if<ValidationError>(&email)) return *error;
  auto password = StringMember(body, "password");
  if (auto* error = std::get_if<ValidationError>(&password)) return *error;
  return LoginRequest{std::move(std::get<auth::EmailKey>(email).key),
                      std::move(std::get<std::string>(password))};
}

}  // namespace bookstore::auth_service
