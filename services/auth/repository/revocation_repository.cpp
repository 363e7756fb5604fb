#include "repository/revocation_repository.h"

#include "domain/user.h"

namespace bookstore::auth_service::repository {

namespace {
std::int64_t UnixSeconds(std::chrono::sys_seconds time) { return time.time_since_epoch().count(); }
}  // namespace

bool InsertRevocation(db::Connection& c, std::string_view jti, std::int64_t user_id,
                      std::chrono::sys_seconds expires_at, std::chrono::sys_seconds now) {
  auto result = c.Execute(
      "INSERT IGNORE INTO revoked_tokens (jti, user_id, expires_at, revoked_at) VALUES (?, ?, ?, ?)",
      {jti, user_id, UnixSeconds(expires_at), FormatDbTime(now)});
  return result.affected_rows == 1;
}

bool IsRevoked(db::Connection& c, std::string_view jti) {
  return c.QueryOne("SELECT 1 FROM revoked_tokens WHERE jti = ?", {jti}).has_value();
}

std::vector<Revocation> ActiveRevocations(db::Connection& c, std::chrono::sys_seconds now) {
  std::vector<Revocation> revocations;
  for (const auto& row :
       c.Query("SELECT jti, expires_at FROM revoked_tokens WHERE expires_at > ? ORDER BY expires_at",
               {UnixSeconds(now)})) {
    revocations.push_back(
        Revocation{row.String(0), std::chrono::sys_seconds(std::chrono::seconds(row.Int(1)))});
  }
  return revocations;
}

std::uint64_t DeleteExpiredRevocations(db::Connection& c, std::chrono::sys_seconds now, std::int64_t limit) {
  return c.Execute("DELETE FROM revoked_tokens WHERE expires_at <= ? LIMIT ?", {UnixSeconds(now), limit})
      .affected_rows;
}

}  // namespace bookstore::auth_service::repository
