#include "bookstore/http/error.h"
#include "domain/order_limits.h"
#include "handlers/routes.h"

namespace bookstore::orders::handlers {

namespace {

http::Error LimitProblem(const OrderLimitExceeded& e) {
  boost::json::object extra{{"limit", e.Setting()}, {"max", e.Limit()}};
  if (e.BookId() != 0) extra["book_id"] = e.BookId();
  if (!e.Rate()) return {http::Status::conflict, e.what(), std::move(extra)};
  // The window slides: a slot frees up within it, often much sooner; a minute is an honest hint.
  return http::Error(http::Status::too_many_requests, e.what(), std::move(extra))
      .WithHeader("Retry-After", "60");
}

}  // namespace

http::Middleware MapDomainErrors() {
  return [](http::Context& ctx, http::Next next) -> http::Awaitable<http::Response> {
    try {
      co_return co_await next(ctx);
    } catch (const OrderLimitExceeded& e) {
      throw LimitProblem(e);
    }
  };
}

}  // namespace bookstore::orders::handlers
