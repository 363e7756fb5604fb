#pragma once
// Auth's own limit on failed logins per account (repository/login_failure_repository.h keeps the counts).
// It is the account's ceiling, the same as the gateway's LOGIN_FAILURES_PER_EMAIL (the gateway's strict
// limit is per account and client address); this one holds for every path to auth, and across auth
// replicas, because the counts live in auth's database.

#include <chrono>
#include <cstdint>

namespace bookstore::auth_service {

struct LoginFailureLimit {
  std::int64_t failures = 100;                                  // this many failures within...
  std::chrono::milliseconds window = std::chrono::minutes(15);  // ...this long, leaking away evenly
};

}  // namespace bookstore::auth_service
