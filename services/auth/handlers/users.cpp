// GET /users (admin only).

#include <boost/json/array.hpp>
#include <limits>

#include "handlers/deps.h"
#include "repository/user_repository.h"

namespace bookstore::auth_service::handlers {

namespace {

constexpr std::int64_t kMaxPage = 1000;

http::Awaitable<http::Response> ListUsers(Deps& deps, http::Context& ctx) {
  co_await deps.authenticator.RequireAdmin(ctx);
  auto limit = ctx.QueryInt("limit", kMaxPage, 1, kMaxPage);
  auto offset = ctx.QueryInt("offset", 0, 0, std::numeric_limits<std::int64_t>::max());
  auto [users, total] = co_await deps.pool.Run([&](db::Connection& c) {
    return std::make_pair(repository::ListUsers(c, limit, offset), repository::CountUsers(c));
  });
  boost::json::array body;
  body.reserve(users.size());
  for (const auto& user : users) body.push_back(UserJson(user));
  auto response = http::JsonResponse(body);
  response.set("X-Total-Count", std::to_string(total));
  co_return response;
}

}  // namespace

void AddUserRoutes(http::Server& server, Deps& deps) {
  server.Get("/users", [&deps](http::Context& ctx) { return ListUsers(deps, ctx); });
}

}  // namespace bookstore::auth_service::handlers
