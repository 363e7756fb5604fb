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
  auto& answers = settings.book_answers;
  answers.capacity_bytes = static_cast<std::size_t>(env.Int(
      "CATALOG_BOOK_CACHE_BYTES", static_cast<std::int64_t>(answers.capacity_bytes), 0, std::int64_t{1} << 40,
      "memory for GET /books/{id} answers kept by this replica (dropped by book.* events and writes, "
      "handlers/book_answers.h); 0: every read goes to the database"));
  answers.max_age = std::chrono::seconds(env.Int(
      "CATALOG_BOOK_CACHE_SECONDS", answers.max_age.count(), 0, 86'400,
      "how long a kept GET /books/{id} answer may be served at most (the bound on staleness if book.* "
      "events were missed); 0: none is kept"));
  return settings;
}

}  // namespace bookstore::catalog
