#pragma once
// Filter "rate_limit": brute-force protection of POST /auth/login and POST /auth/register.
//
// - Failed logins per (email, client IP), the strict limit: a login for an email whose bucket for this
//   address is empty gets 429 without reaching auth; only failures (401 from auth) use tokens, so nobody
//   else's failures slow down a correct login to another account, and a guesser from one address cannot
//   lock the account's owner out from another (issue 13, finding 10).
// - Failed logins per email from every address together: a higher ceiling against guessing spread over
//   many addresses (auth keeps the same ceiling across replicas in its database).
// - Failed logins per client IP (filters/client_ip): likewise, counting the caller's own failures only.
// - Registrations per client IP: every registration auth handled counts (not the ones auth could not
//   handle: 5xx, unreachable).
// A token is taken before the request is forwarded (so a thousand parallel guesses cannot all slip
// through) and given back when the attempt turns out not to count (a successful login, a 400...).
// Beyond a limit: 429 problem with Retry-After. Only /auth/login bodies are parsed (for the email).
// State is per gateway replica (token_bucket.h).

#include <string>
#include <string_view>

#include "bookstore/http/metrics.h"
#include "bookstore/http/router.h"
#include "filters/rate_limit/token_bucket.h"

namespace bookstore::gateway {

struct RateLimits {
  TokenBuckets::Options login_failures_per_email_and_ip{.limit = 10, .window = std::chrono::minutes(15)};
  TokenBuckets::Options login_failures_per_email{.limit = 100, .window = std::chrono::minutes(15)};
  TokenBuckets::Options login_failures_per_ip{.limit = 100, .window = std::chrono::minutes(15)};
  TokenBuckets::Options registrations_per_ip{.limit = 100, .window = std::chrono::hours(1)};
};

// The account key of a login request body's email (bookstore/auth/email.h, the rule auth applies), or ""
// when the body is not a JSON object with a string "email" (auth will answer 400 then). An email that can
// be no account's key (a control character, too long) throws http::BadRequest: the request goes no
// further.
std::string LoginEmail(std::string_view body);

class RateLimiter {
 public:
  explicit RateLimiter(const RateLimits& limits);

  // The filter; the RateLimiter must outlive the server.
  http::Middleware Filter();

  TokenBuckets& login_per_email() { return login_per_email_; }
  TokenBuckets& login_per_email_and_ip() { return login_per_email_and_ip_; }
  TokenBuckets& login_per_ip() { return login_per_ip_; }
  TokenBuckets& registrations_per_ip() { return registrations_per_ip_; }

 private:
  http::Awaitable<http::Response> Login(http::Context& ctx, http::Next next);
  http::Awaitable<http::Response> Register(http::Context& ctx, http::Next next);

  TokenBuckets login_per_email_and_ip_;
  TokenBuckets login_per_email_;
  TokenBuckets login_per_ip_;
  TokenBuckets registrations_per_ip_;
  http::Counter& refused_login_email_and_ip_;
  http::Counter& refused_login_email_;
  http::Counter& refused_login_ip_;
  http::Counter& refused_registration_ip_;
};

}  // namespace bookstore::gateway
