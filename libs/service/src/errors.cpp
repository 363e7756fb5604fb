#include "bookstore/service/errors.h"

#include "bookstore/db/db.h"
#include "bookstore/http/error.h"
#include "bookstore/log/log.h"

namespace bookstore::service {

http::Middleware MapCommonErrors() {
  return [](http::Context& ctx, http::Next next) -> http::Awaitable<http::Response> {
    try {
      co_return co_await next(ctx);
    } catch (const ValidationError& e) {
      throw http::BadRequest(e.what(), e.Field());
    } catch (const db::Error& e) {
      if (!e.IsConnectionLost()) throw;
      log::Warn("database unavailable", http::RequestLogFields(ctx, {{"error", e.what()}}));
      throw http::ServiceUnavailable("database unavailable, try again shortly");
    }
  };
}

}  // namespace bookstore::service
