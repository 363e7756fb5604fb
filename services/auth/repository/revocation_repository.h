#pragma once
// All SQL on the revoked_tokens table. Blocking: call inside db::Pool::Run / Transact.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/db/db.h"

namespace bookstore::auth_service::repository {

struct Revocation {
  std::string jti;
  std::chrono::sys_seconds expires_at{};
};

// True when this call revoked the token (false: it already was).
bool InsertRevocation(db::Connection& c, std::string_view jti, std::int64_t user_id,
                      std::chrono::sys_seconds expires_at, std::chrono::sys_seconds now);
bool IsRevoked(db::Connection& c, std::string_view jti);
// Revocations whose token has not expired at `now`, oldest expiry first.
std::vector<Revocation> ActiveRevocations(db::Connection& c, std::chrono::sys_seconds now);
// Forgets up to `limit` revocations of tokens that expired before `now`; returns how many.
std::uint64_t DeleteExpiredRevocations(db::Connection& c, std::chrono::sys_seconds now, std::int64_t limit);

}  // namespace bookstore::auth_service::repository
