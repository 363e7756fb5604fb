#pragma once
// Auth's own limit on failed logins per account (repository/login_failure_repository.h keeps the counts).
// The gateway has the same limit in front (services/gateway/filters/rate_limit); this one holds for every
// path to auth, and across auth replicas, because the counts live in auth's database.

#include <chrono>
#include <cstdint>

namespace bookstore::auth_service {

struct LoginFailureLimit {
  std::int64_t failures = 10;                                   // this many failures within...
  std::chrono::milliseconds window = std::chrono::minutes(15);  // ...this long, leaking away evenly
};

}  // namespace bookstore::auth_service
