// GET /.well-known/jwks.json and GET /internal/revocations: what verifiers (gateway, services) fetch.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <memory>

#include "bookstore/auth/claims.h"
#include "bookstore/auth/jwks.h"
#include "handlers/deps.h"
#include "repository/revocation_repository.h"

namespace bookstore::auth_service::handlers {

void AddKeyRoutes(http::Server& server, Deps& deps) {
  // Every key of JWT_KEYS, retired ones included, so tokens they signed keep verifying until they expire.
  auto jwks = std::make_shared<const std::string>(auth::BuildJwks(deps.keys));
  server.Get("/.well-known/jwks.json", [jwks](http::Context&) -> http::Awaitable<http::Response> {
    auto response = http::TextResponse(*jwks, http::Status::ok, http::kJsonContentType);
    response.set(http::Field::cache_control, "public, max-age=60");
    co_return response;
  });

  // For the gateway at start-up and after a broker reconnection: the revocations still in force, as
  // [{"jti", "exp"}] (exp in Unix seconds). Internal: never routed by the gateway.
  server.Get("/internal/revocations", [&deps](http::Context&) -> http::Awaitable<http::Response> {
    auto revocations = co_await deps.pool.Run(
        [](db::Connection& c) { return repository::ActiveRevocations(c, auth::NowSeconds()); });
    boost::json::array body;
    body.reserve(revocations.size());
    for (const auto& revocation : revocations) {
      body.push_back(boost::json::object{{"jti", revocation.jti},
                                         {"exp", revocation.expires_at.time_since_epoch().count()}});
    }
    co_return http::JsonResponse(body);
  });
}

}  // namespace bookstore::auth_service::handlers
