#pragma once
// A user account as auth knows it, its public JSON form, and the times it carries.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bookstore/auth/claims.h"

namespace bookstore::auth_service {

struct User {
  std::int64_t id = 0;
  std::string name;
  std::string email;  // as the user typed it (trimmed)
  auth::Role role = auth::Role::kUser;
  std::string password_hash;  // argon2id PHC string
  std::chrono::sys_seconds created_at{};
};

// {id, name, email, role, created_at} — GET /auth/me and GET /users. Never the password hash.
boost::json::object UserJson(const User& user);

// "2026-11-27T17:00:00Z"
std::string FormatRfc3339(std::chrono::sys_seconds time);
// "2026-11-27 17:00:00", the DATETIME text MariaDB takes and returns (always UTC in this service).
std::string FormatDbTime(std::chrono::sys_seconds time);
// The inverse of FormatDbTime; nullopt for anything else.
std::optional<std::chrono::sys_seconds> ParseDbTime(std::string_view text);

// What to do with ADMIN_EMAIL at start-up, given the role of the user holding that email (nullopt: none).
enum class BootstrapAction { kCreate, kPromote, kKeep };
BootstrapAction DecideBootstrap(std::optional<auth::Role> existing_role);

}  // namespace bookstore::auth_service
