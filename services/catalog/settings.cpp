#include "settings.h"

#include "bookstore/config/env.h"

namespace bookstore::catalog {
namespace {

constexpr int kDefaultPort = 5002;
constexpr int kDefaultAdminPort = 9002;

}  // namespace

Settings ReadSettings(config::Env& env) {
  Settings settings;
  settings.log_level = env.String("LOG_LEVEL", "info", "minimum log level: debug, info, warn, error");
  settings.server = http::ReadServerOptions(env, kDefaultPort, kDefaultAdminPort);
  settings.db = db::ReadOptions(env, "catalog");
  settings.bus = bus::Options::FromEnv(env, "catalog");
  settings.tokens = authn::ReadSettings(env);
  settings.shared_cache_max_age = std::chrono::seconds(
      env.Int("CATALOG_SHARED_CACHE_SECONDS", settings.shared_cache_max_age.count(), 0, 86'400,
              "how long shared caches (the gateway) may keep GET /books and /books/{id} answers (s-maxage); "
              "book.* events purge the gateway's copies sooner; 0: not at all"));
  return settings;
}

}  // namespace bookstore::catalog
