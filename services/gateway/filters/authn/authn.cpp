#include "filters/authn/authn.h"

#include "bookstore/http/error.h"

namespace bookstore::gateway {

http::Middleware AuthnFilter(authn::Authenticator* authenticator) {
  auto& rejected = http::Metrics().AddCounter("gateway_auth_rejected_total",
                                              "Requests refused at the gateway for their credentials");
  return [authenticator, &rejected](http::Context& ctx, http::Next next) -> http::Awaitable<http::Response> {
    if (ctx.request().find(http::Field::authorization) != ctx.request().end()) {
      if (authenticator == nullptr) {
        throw http::ServiceUnavailable("credentials cannot be checked: auth is not configured");
      }
      try {
        co_await authenticator->OptionalUser(ctx);
      } catch (const http::Error& e) {
        if (e.status() == http::Status::unauthorized) rejected.Inc();
        throw;
      }
    }
    co_return co_await next(ctx);
  };
}

}  // namespace bookstore::gateway
