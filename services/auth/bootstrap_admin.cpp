#include "bootstrap_admin.h"

#include <stdexcept>

#include "bookstore/auth/claims.h"
#include "bookstore/auth/email.h"
#include "bookstore/bus/outbox.h"
#include "bookstore/log/log.h"
#include "bookstore/text/utf8.h"
#include "domain/validation.h"
#include "events/auth_events.h"
#include "repository/user_repository.h"

namespace bookstore::auth_service {

namespace {

std::string SettingOf(const std::string& field) {
  if (field == "email") return "ADMIN_EMAIL";
  if (field == "password") return "ADMIN_PASSWORD";
  return "ADMIN_NAME";
}

// ADMIN_EMAIL's account key, by the same rule as registration and login.
auth::EmailKey AdminEmail(const AdminBootstrap& admin) {
  auto parsed = auth::ParseEmailKey(admin.email);
  if (auto* problem = std::get_if<auth::EmailProblem>(&parsed)) {
    throw std::invalid_argument("ADMIN_EMAIL: " + problem->message);
  }
  return std::get<auth::EmailKey>(std::move(parsed));
}

void CheckRules(const AdminBootstrap& admin, const auth::EmailKey& email) {
  std::optional<ValidationError> error = ValidateEmail(email.as_typed);
  if (!error) error = ValidatePassword(admin.password);
  if (!error) error = ValidateName(text::TrimAsciiWhitespace(admin.name));
  if (error) throw std::invalid_argument(SettingOf(error->field) + ": " + error->message);
}

// Returns false when another replica inserted the same email first.
bool CreateAdmin(db::Pool& pool, const PasswordWorkers& passwords, const AdminBootstrap& admin,
                 const auth::EmailKey& email) {
  User user;
  user.name = std::string(text::TrimAsciiWhitespace(admin.name));
  user.email = email.as_typed;
  user.role = auth::Role::kAdmin;
  user.created_at = auth::NowSeconds();
  user.password_hash = passwords.HashNow(admin.password);
  try {
    user.id = pool.WithTransaction([&](db::Connection& c) {
      User stored = user;
      stored.id = repository::InsertUser(
          c, {user.name, user.email, email.key, user.password_hash, user.role, user.created_at});
      bus::outbox::Add(c, events::UserRegistered(stored));
      return stored.id;
    });
  } catch (const db::Error& error) {
    if (error.IsDuplicateKey()) return false;
    throw;
  }
  log::Info("admin account created", {{"user_id", user.id}, {"email", user.email}});
  return true;
}

}  // namespace

void BootstrapAdmin(db::Pool& pool, const PasswordWorkers& passwords, const AdminBootstrap& admin) {
  const auth::EmailKey email = AdminEmail(admin);
  CheckRules(admin, email);
  const std::string& normalized = email.key;
  // Two rounds at most: a lost insert race is followed by one more look at the winner's row.
  for (int round = 0; round < 2; ++round) {
    auto existing =
        pool.WithConnection([&](db::Connection& c) { return repository::FindUserByEmail(c, normalized); });
    switch (DecideBootstrap(existing ? std::optional(existing->role) : std::nullopt)) {
      case BootstrapAction::kKeep:
        log::Info("admin account present", {{"user_id", existing->id}, {"email", existing->email}});
        return;
      case BootstrapAction::kPromote: {
        // Someone registered ADMIN_EMAIL before the operator configured it (issue 13, finding 4): the
        // account becomes the admin the operator configured, password included, never silently the
        // registrant's.
        const std::string hash = passwords.HashNow(admin.password);
        bool changed = pool.WithConnection(
            [&](db::Connection& c) { return repository::PromoteToAdmin(c, existing->id, hash); });
        if (changed) {
          log::Warn(
              "an account with ADMIN_EMAIL existed without the admin role: promoted, its password "
              "replaced by ADMIN_PASSWORD",
              {{"user_id", existing->id}, {"email", existing->email}});
        } else {
          log::Info("admin account present", {{"user_id", existing->id}, {"email", existing->email}});
        }
        return;
      }
      case BootstrapAction::kCreate:
        if (CreateAdmin(pool, passwords, admin, email)) return;
        log::Info("admin account created concurrently by another replica", {{"email", normalized}});
        break;
    }
  }
  throw std::runtime_error("ADMIN_EMAIL: the account could neither be created nor found");
}

}  // namespace bookstore::auth_service
