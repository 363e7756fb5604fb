#include "repository/login_failure_repository.h"

#include <cmath>

namespace bookstore::auth_service::repository {

namespace {
// Failures that leak away per millisecond.
double LeakPerMs(const LoginFailureLimit& limit) {
  return static_cast<double>(limit.failures) / static_cast<double>(limit.window.count());
}
}  // namespace

void TakeLoginAttempt(db::Connection& c, std::string_view email_key, const LoginFailureLimit& limit,
                      std::chrono::milliseconds now) {
  const std::int64_t now_ms = now.count();
  const double leak = LeakPerMs(limit);
  // MariaDB evaluates the assignments left to right: `level` still sees the old updated_ms.
  c.Execute(
      "INSERT INTO login_failures (email_key, level, updated_ms) VALUES (?, 1, ?) "
      "ON DUPLICATE KEY UPDATE level = GREATEST(0, level - GREATEST(0, ? - updated_ms) * ?) + 1, "
      "updated_ms = GREATEST(updated_ms, ?)",
      {email_key, now_ms, now_ms, leak, now_ms});
  const auto row = c.QueryOne("SELECT level FROM login_failures WHERE email_key = ?", {email_key});
  const double level = row ? row->Double(0) : 1.0;
  constexpr double kSlack = 1e-9;  // the leak is computed in floating point
  if (level <= static_cast<double>(limit.failures) + kSlack) return;
  const double wait_ms = (level - static_cast<double>(limit.failures)) / leak;
  throw LoginAttemptRefused{std::chrono::seconds(static_cast<std::int64_t>(std::ceil(wait_ms / 1000.0)))};
}

void RefundLoginAttempt(db::Connection& c, std::string_view email_key) {
  c.Execute("UPDATE login_failures SET level = GREATEST(0, level - 1) WHERE email_key = ?", {email_key});
}

std::uint64_t DeleteForgottenLoginFailures(db::Connection& c, const LoginFailureLimit& limit,
                                           std::chrono::milliseconds now, std::int64_t count) {
  return c
      .Execute("DELETE FROM login_failures WHERE updated_ms < ? LIMIT ?",
               {(now - limit.window).count(), count})
      .affected_rows;
}

}  // namespace bookstore::auth_service::repository
