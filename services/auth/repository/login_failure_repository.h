#pragma once
// All SQL on the login_failures table (migrations/0003): auth's own per-account limit on failed logins.
// Blocking: call inside db::Pool::Run / Transact.

#include <chrono>
#include <cstdint>
#include <string_view>

#include "bookstore/db/db.h"
#include "domain/login_limit.h"

namespace bookstore::auth_service::repository {

// Thrown by TakeLoginAttempt so that the transaction around it rolls back.
struct LoginAttemptRefused {
  std::chrono::seconds retry_after;  // until one more attempt fits
};

// Counts one more failure for the account before its password is checked (so a thousand parallel
// guesses cannot all pass a check made before any of them failed). When that exceeds the limit it
// throws LoginAttemptRefused. Must run inside a transaction (Pool::Transact), which then rolls back: the
// row is read back under its lock, and a refused attempt leaves no trace.
void TakeLoginAttempt(db::Connection& c, std::string_view email_key, const LoginFailureLimit& limit,
                      std::chrono::milliseconds now);
// Gives back the attempt taken for a login that turned out not to be a failure.
void RefundLoginAttempt(db::Connection& c, std::string_view email_key);
// Forgets up to `count` accounts whose failures have all leaked away; returns how many.
std::uint64_t DeleteForgottenLoginFailures(db::Connection& c, const LoginFailureLimit& limit,
                                           std::chrono::milliseconds now, std::int64_t count);

}  // namespace bookstore::auth_service::repository
