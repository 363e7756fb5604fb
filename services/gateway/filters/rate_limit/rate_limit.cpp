#include "filters/rate_limit/rate_limit.h"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "bookstore/auth/email.h"
#include "bookstore/http/error.h"
#include "bookstore/http/metrics.h"
#include "filters/request_state.h"

namespace bookstore::gateway {
namespace {

using Clock = TokenBuckets::Clock;

constexpr std::string_view kLoginPath = "/auth/login";
constexpr std::string_view kRegisterPath = "/auth/register";

http::Counter& RefusedCounter(const std::string& limit) {
  return http::Metrics().AddCounter("gateway_rate_limited_total", "Requests refused with 429, by limit",
                                    {{"limit", limit}});
}

int RetryAfterSeconds(const TokenBuckets::Decision& decision) {
  return static_cast<int>(std::max<std::int64_t>(1, decision.retry_after.count()));
}

}  // namespace

std::string LoginEmail(std::string_view body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return {};
  const auto* email = value.as_object().if_contains("email");
  if (email == nullptr || !email->is_string()) return {};
  auto parsed = auth::ParseEmailKey(email->as_string());
  // Auth refuses such an email with the same 400; refusing it here keeps it from ever reaching auth
  // under a key of its own.
  if (auto* problem = std::get_if<auth::EmailProblem>(&parsed)) throw http::BadRequest(problem->message, "email");
  return std::get<auth::EmailKey>(std::move(parsed)).key;
}

RateLimiter::RateLimiter(const RateLimits& limits)
    : login_per_email_(limits.login_failures_per_email),
      login_per_ip_(limits.login_failures_per_ip),
      registrations_per_ip_(limits.registrations_per_ip),
      refused_login_email_(RefusedCounter("login_email")),
      refused_login_ip_(RefusedCounter("login_ip")),
      refused_registration_ip_(RefusedCounter("registration_ip")) {}

http::Middleware RateLimiter::Filter() {
  return [this](http::Context& ctx, http::Next next) -> http::Awaitable<http::Response> {
    if (ctx.method() == http::Verb::post) {
      if (ctx.path() == kLoginPath) return Login(ctx, next);
      if (ctx.path() == kRegisterPath) return Register(ctx, next);
    }
    return next(ctx);
  };
}

http::Awaitable<http::Response> RateLimiter::Login(http::Context& ctx, http::Next next) {
  const std::string email = LoginEmail(ctx.request().body());
  const std::string ip = StateOf(ctx).client_ip;
  const auto start = Clock::now();
  if (!email.empty()) {
    if (const auto decision = login_per_email_.TryAcquire(email, start); !decision.allowed) {
      refused_login_email_.Inc();
      throw http::TooManyRequests("too many failed logins for this account; try again later",
                                  RetryAfterSeconds(decision));
    }
  }
  if (const auto decision = login_per_ip_.TryAcquire(ip, start); !decision.allowed) {
    if (!email.empty()) login_per_email_.Refund(email, start);
    refused_login_ip_.Inc();
    throw http::TooManyRequests("too many failed logins from this address; try again later",
                                RetryAfterSeconds(decision));
  }
  auto give_back = [&] {
    const auto now = Clock::now();
    if (!email.empty()) login_per_email_.Refund(email, now);
    login_per_ip_.Refund(ip, now);
  };
  http::Response response;
  try {
    response = co_await next(ctx);
  } catch (...) {
    give_back();  // auth never judged the credentials
    throw;
  }
  if (response.result() != http::Status::unauthorized) give_back();
  co_return response;
}

http::Awaitable<http::Response> RateLimiter::Register(http::Context& ctx, http::Next next) {
  const std::string ip = StateOf(ctx).client_ip;
  if (const auto decision = registrations_per_ip_.TryAcquire(ip, Clock::now()); !decision.allowed) {
    refused_registration_ip_.Inc();
    throw http::TooManyRequests("too many registrations from this address; try again later",
                                RetryAfterSeconds(decision));
  }
  http::Response response;
  try {
    response = co_await next(ctx);
  } catch (...) {
    registrations_per_ip_.Refund(ip, Clock::now());
    throw;
  }
  if (response.result_int() >= 500) registrations_per_ip_.Refund(ip, Clock::now());
  co_return response;
}

}  // namespace bookstore::gateway
