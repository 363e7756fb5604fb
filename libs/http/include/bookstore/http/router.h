#pragma once
// Handlers, middleware and the router.
//
// Patterns are "/" or "/seg/seg/..." where each segment is
//   - a literal ("books"),
//   - "{name}": exactly one non-empty segment, read with ctx.Param("name"),
//   - "{name...}" (last segment only): the rest of the path, possibly empty and including slashes.
// Literal segments win over parameters ("/books/search" beats "/books/{id}"), with backtracking.
// Matching is on the raw (percent-encoded) path, segment by segment, without regular expressions; a
// trailing slash matters ("/books/" is not "/books"). HEAD falls back to the GET route (the body is
// not sent). A path that exists for other methods gives 405 with Allow; an unknown path gives 404; both
// are problems and still pass through the middleware chain (ctx.route() is then "").
//
// Middleware (Envoy-style filters) wraps every routed request, in the order added:
//   server.Use([](Context& ctx, Next next) -> Awaitable<Response> {
//     if (!Authorized(ctx)) throw Unauthorized();
//     auto res = co_await next(ctx);      // the next filter, finally the route's handler
//     res.set("X-Frame-Options", "DENY");
//     co_return res;
//   });
// Routing runs before the chain, so filters can read ctx.route() and ctx.Param().

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/http/context.h"
#include "bookstore/http/message.h"

namespace bookstore::http {

using Handler = std::function<Awaitable<Response>(Context&)>;

namespace detail {
struct Pipeline;
}

// Calls the rest of the middleware chain. Cheap to copy (two words), valid during the request.
class Next {
 public:
  Awaitable<Response> operator()(Context& ctx) const;

 private:
  friend struct detail::Pipeline;
  Next(const detail::Pipeline* pipeline, std::size_t index) : pipeline_(pipeline), index_(index) {}
  const detail::Pipeline* pipeline_;
  std::size_t index_;
};

using Middleware = std::function<Awaitable<Response>(Context&, Next)>;

struct RouteOptions {
  // The route's handler is called directly, bypassing every middleware (used by /healthz, /readyz,
  // /metrics).
  bool skip_middleware = false;
};

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Throws std::invalid_argument for a malformed pattern, a duplicate method + pattern, more than
  // detail::kMaxPathParams parameters, or a parameter name used twice in one pattern.
  void Add(Verb method, std::string_view pattern, Handler handler, RouteOptions options = {});

  // Finds the route for ctx.method() and ctx.path() and records it in ctx (route(), Param()).
  // Returns the handler, or nullptr when nothing matched; then *allow receives the methods the path
  // does accept ("GET, HEAD, POST"), empty for an unknown path. *skip_middleware receives the route's
  // option. Allocation-free on a hit.
  const Handler* Match(Context& ctx, std::string* allow, bool* skip_middleware = nullptr) const;

  // The registered patterns, in registration order (for metrics and docs).
  [[nodiscard]] std::vector<std::string> Patterns() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

namespace detail {

// The middleware chain ending in a terminal step (the matched handler, or 404/405).
struct Pipeline {
  std::vector<Middleware> middleware;
  std::function<Awaitable<Response>(Context&)> terminal;

  [[nodiscard]] Next Begin() const { return {this, 0}; }
};

}  // namespace detail

}  // namespace bookstore::http
