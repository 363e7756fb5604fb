// bookstore-auth: users, passwords, tokens, revocation, JWKS (docs/design.md §1-§3). Wiring only: settings,
// log, database and migrations, bus, password workers, admin bootstrap, HTTP routes (handlers/).

#include "bookstore/service/main.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "bookstore/auth/keys.h"
#include "bookstore/authn/authn.h"
#include "bookstore/bus/outbox.h"
#include "bookstore/config/env.h"
#include "bookstore/db/migrations.h"
#include "bookstore/http/server.h"
#include "bookstore/log/log.h"
#include "bookstore/service/metrics.h"
#include "bookstore/service/readiness.h"
#include "bootstrap_admin.h"
#include "handlers/deps.h"
#include "password_workers.h"
#include "repository/revocation_repository.h"
#include "settings.h"

namespace {

namespace auth = bookstore::auth;
namespace authn = bookstore::authn;
namespace bus = bookstore::bus;
namespace db = bookstore::db;
namespace http = bookstore::http;
namespace log = bookstore::log;
namespace service = bookstore::service;
namespace svc = bookstore::auth_service;

// Auth verifies its own tokens with its own keys, and consults its revocation table (shared by every
// replica) rather than an in-memory set.
authn::Authenticator::Options AuthenticatorOptions(const svc::Settings& settings, db::Pool& pool) {
  auto options = authn::Authenticator::Options::From(settings.tokens);
  options.is_revoked = [&pool](const authn::Identity& identity) -> http::Awaitable<bool> {
    std::string jti = identity.jti;
    co_return co_await pool.Run([&](db::Connection& c) { return svc::repository::IsRevoked(c, jti); });
  };
  return options;
}

// The signing keys, read from JWT_KEYS: one that cannot be read is a setting error (exit 2).
auth::SigningKeys ParseKeys(const svc::Settings& settings) {
  try {
    return auth::SigningKeys::Parse(settings.jwt_keys);
  } catch (const auth::KeyFileError& error) {
    throw std::invalid_argument(std::string("JWT_KEYS is invalid: ") + error.what());
  }
}

int Run(const svc::Settings& settings) {
  auto keys = ParseKeys(settings);
  db::Pool pool(settings.db);
  std::vector<db::Migration> migrations = bus::Migrations();
  const auto own = db::EmbeddedMigrations();
  migrations.insert(migrations.end(), own.begin(), own.end());
  db::MigrateWhenReachable(pool, migrations);
  bus::Relay relay(pool, settings.bus);
  const auto pool_metrics = service::ExportMetrics(pool);
  const auto relay_metrics = service::ExportMetrics(relay);
  svc::PasswordWorkers passwords(settings.password, settings.password_threads, settings.password_queue);
  if (settings.admin) svc::BootstrapAdmin(pool, passwords, *settings.admin);

  authn::KeySource key_source(keys.PublicKeys());
  authn::Authenticator authenticator(AuthenticatorOptions(settings, pool), key_source);

  http::Server server(settings.server);
  svc::handlers::Deps deps{pool, passwords, keys, authenticator, settings};
  svc::handlers::AddAccountRoutes(server, deps);
  svc::handlers::AddUserRoutes(server, deps);
  svc::handlers::AddKeyRoutes(server, deps);
  service::AddDatabaseAndBrokerChecks(server, pool, relay);

  log::Info("auth starting", {{"active_kid", keys.ActiveKid()},
                              {"keys", keys.Kids().size()},
                              {"password_threads", passwords.Threads()}});
  server.Run();  // not Start() first: only a Run() that starts the server handles SIGTERM
  log::Info("auth stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return bookstore::service::Main("auth", argc, argv, svc::ReadSettings, Run);
}
