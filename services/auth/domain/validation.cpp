#include "domain/validation.h"

#include <boost/json/string.hpp>
#include <utility>

#include "bookstore/auth/email.h"
#include "bookstore/text/utf8.h"

namespace bookstore::auth_service {

namespace {

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

// Reads a member that must be a string. Missing or null: "<field> is required".
std::variant<std::string, ValidationError> StringMember(const boost::json::object& body,
                                                        std::string_view field) {
  const auto* value = body.if_contains(field);
  if (value == nullptr || value->is_null()) {
    return ValidationError{std::string(field), std::string(field) + " is required"};
  }
  if (!value->is_string()) {
    return ValidationError{std::string(field), std::string(field) + " must be a string"};
  }
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
  const auto chars = text::CountCodePoints(name);
  if (!chars) return invalid("name must be valid UTF-8");
  if (text::HasControlCharacter(name)) return invalid("name must not contain control characters");
  const std::size_t count = *chars;
  if (count < kMinNameLength) return invalid("name is required");
  if (count > kMaxNameLength) {
    return invalid("name must be at most " + std::to_string(kMaxNameLength) + " characters");
  }
  return std::nullopt;
}

std::optional<ValidationError> ValidatePassword(std::string_view password) {
  auto invalid = [](std::string message) { return ValidationError{"password", std::move(message)}; };
  auto count = text::CountCodePoints(password);
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
  registration.name = std::string(text::TrimAsciiWhitespace(std::get<std::string>(name)));
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
