#pragma once
// All SQL on the users table. Blocking: call inside db::Pool::Run / Transact.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/db/db.h"
#include "domain/user.h"

namespace bookstore::auth_service::repository {

struct NewUser {
  std::string name;
  std::string email;
  std::string normalized_email;
  std::string password_hash;
  auth::Role role = auth::Role::kUser;
  std::chrono::sys_seconds created_at{};
};

// Returns the new id. Throws db::Error with IsDuplicateKey() when the normalized email is taken.
std::int64_t InsertUser(db::Connection& c, const NewUser& user);

std::optional<User> FindUserByEmail(db::Connection& c, std::string_view normalized_email);
std::optional<User> FindUserById(db::Connection& c, std::int64_t id);

// Ordered by id.
std::vector<User> ListUsers(db::Connection& c, std::int64_t limit, std::int64_t offset);
std::int64_t CountUsers(db::Connection& c);

// Makes the user an admin with this password hash (the configured admin's: whoever registered the email
// first must not keep a password of their own choosing). True when the role changed.
bool PromoteToAdmin(db::Connection& c, std::int64_t id, std::string_view password_hash);
void UpdatePasswordHash(db::Connection& c, std::int64_t id, std::string_view password_hash);

}  // namespace bookstore::auth_service::repository
