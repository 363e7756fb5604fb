#include "filters/rate_limit/rate_limit.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <utility>
#include <vector>

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
  if (auto* problem = std::get_if<auth::EmailProblem>(&parsed)) {
    throw http::BadRequest(problem->message, "email");
  }
  return std::get<auth::EmailKey>(std::move(parsed)).key;
}

RateLimiter::RateLimiter(const RateLimits& limits)
    : login_per_email_and_ip_(limits.login_failures_per_email_and_ip),
      login_per_email_(limits.login_failures_per_email),
      login_per_ip_(limits.login_failures_per_ip),
      registrations_per_ip_(limits.registrations_per_ip),
      refused_login_email_and_ip_(RefusedCounter("login_email_ip")),
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
  // One key per (email, address); '\n' cannot occur in either (an email with a control character was
  // refused above).
  const std::string email_and_ip = email.empty() ? std::string() : email + '\n' + ip;
  const auto start = Clock::now();
  // Buckets taken so far, given back if a later one refuses or the attempt turns out not to count.
  std::vector<std::pair<TokenBuckets*, const std::string*>> taken;
  auto give_back = [&](Clock::time_point now) {
    for (auto& [buckets, key] : taken) buckets->Refund(*key, now);
  };
  auto take = [&](TokenBuckets& buckets, const std::string& key, http::Counter& refused, const char* message,
                  std::string_view setting) {
    if (key.empty()) return;
    if (const auto decision = buckets.TryAcquire(key, start); !decision.allowed) {
      give_back(start);
      refused.Inc();
      throw http::TooManyRequests(message, RetryAfterSeconds(decision), setting);
    }
    taken.emplace_back(&buckets, &key);
  };
  take(login_per_email_and_ip_, email_and_ip, refused_login_email_and_ip_,
       "too many failed logins for this account from this address; try again later",
       "LOGIN_FAILURES_PER_EMAIL_AND_IP");
  take(login_per_email_, email, refused_login_email_,
       "too many failed logins for this account; try again later", "LOGIN_FAILURES_PER_EMAIL");
  take(login_per_ip_, ip, refused_login_ip_, "too many failed logins from this address; try again later",
       "LOGIN_FAILURES_PER_IP");
  http::Response response;
  try {
    response = co_await next(ctx);
  } catch (...) {
    give_back(Clock::now());  // auth never judged the credentials
    throw;
  }
  if (response.result() != http::Status::unauthorized) give_back(Clock::now());
  co_return response;
}

http::Awaitable<http::Response> RateLimiter::Register(http::Context& ctx, http::Next next) {
  const std::string ip = StateOf(ctx).client_ip;
  if (const auto decision = registrations_per_ip_.TryAcquire(ip, Clock::now()); !decision.allowed) {
    refused_registration_ip_.Inc();
    throw http::TooManyRequests("too many registrations from this address; try again later",
                                RetryAfterSeconds(decision), "REGISTRATIONS_PER_IP");
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
