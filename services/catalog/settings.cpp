#include "settings.h"

#include "bookstore/config/env.h"

namespace bookstore::catalog {

Settings ReadSettings(config::Env& env) {
  Settings settings;
  service::ReadBackendSettings(env, {.name = "catalog", .port = 5002, .admin_port = 9002}, settings);
  settings.tokens = authn::ReadSettings(env);
  settings.shared_cache_max_age = std::chrono::seconds(
      env.Int("CATALOG_SHARED_CACHE_SECONDS", settings.shared_cache_max_age.count(), 0, 86'400,
              "how long shared caches (the gateway) may keep GET /books and /books/{id} answers (s-maxage); "
              "book.* events purge the gateway's copies sooner; 0: not at all"));
  return settings;
}

}  // namespace bookstore::catalog
