// The catalog (port 5002): books, stock and reservations. Wiring only: config -> log -> database pool and
// migrations -> outbox relay and the catalog.events consumer -> token checks -> HTTP routes -> the
// replica's bus subscriber (revocations, and book.* for the book answers kept in memory).
//   routes:   handlers/books.cpp          SQL: repository/          rules: domain/
//   events:   events/ (book.* emitted by the handlers; order.placed, order.cancelled, user.registered
//             consumed by events/dispatch.cpp)

#include "bookstore/service/main.h"

#include <chrono>
#include <string>
#include <utility>

#include "bookstore/authn/authn.h"
#include "bookstore/authn/revocation_sync.h"
#include "bookstore/bus/bus.h"
#include "bookstore/config/env.h"
#include "bookstore/db/db.h"
#include "bookstore/db/migrations.h"
#include "bookstore/db/options.h"
#include "bookstore/http/client.h"
#include "bookstore/http/server.h"
#include "bookstore/log/log.h"
#include "bookstore/service/errors.h"
#include "bookstore/service/metrics.h"
#include "bookstore/service/readiness.h"
#include "events/dispatch.h"
#include "handlers/books.h"
#include "settings.h"

namespace bookstore::catalog {
namespace {

int Run(const Settings& settings) {
  db::Pool pool(settings.db);
  db::MigrateWhenReachable(pool, bus::Migrations());
  db::MigrateWhenReachable(pool, db::EmbeddedMigrations());

  bus::Relay relay(pool, settings.bus);
  bus::InboxConsumer consumer(pool, settings.bus, "catalog", events::HandleEvents);
  const auto pool_metrics = service::ExportMetrics(pool);
  const auto relay_metrics = service::ExportMetrics(relay);
  const auto consumer_metrics = service::ExportMetrics(consumer);

  http::Client client;
  authn::KeySource keys(authn::KeySource::Options{.auth_url = settings.tokens.auth_url}, client);
  authn::Authenticator authenticator(authn::Authenticator::Options::From(settings.tokens), keys);

  handlers::BookAnswers answers(settings.book_answers);
  http::Server server(settings.server);
  server.Use(service::MapCommonErrors());
  handlers::AddBookRoutes(server, {.pool = pool,
                                   .authenticator = authenticator,
                                   .answers = answers,
                                   .shared_cache_max_age = settings.shared_cache_max_age});
  // Tokens revoked by a logout are refused here too (authn/revocation_sync.h); book.* events on the same
  // per-replica queue keep the book answers coherent with other replicas' writes and the saga's.
  // (Not bound when the answers are off: every book.* is a delivery to each replica's queue.)
  authn::RevocationFeed::AlsoFeed book_events;
  if (answers.Enabled()) {
    book_events = {.binding_keys = {"book.*"},
                   .handler = [&answers](const bus::Event& event) { answers.OnBookEvent(event); },
                   .on_connected = [&answers] { answers.Clear(); }};
  }
  const authn::RevocationFeed feed(settings.bus, settings.tokens.auth_url, client,
                                   authenticator.Revocations(), server.io_context(0), std::move(book_events));
  answers.FollowFeed([&feed] { return feed.Connected(); });

  // Not auth's keys: public reads must go on while auth is away (writes then answer 503).
  service::AddDatabaseAndBrokerChecks(server, pool, relay, &consumer);

  keys.Start(server.io_context(0));
  server.Run();  // not Start() first: only a Run() that starts the server handles SIGTERM (drain)
  return 0;
}

}  // namespace
}  // namespace bookstore::catalog

int main(int argc, char** argv) {
  namespace catalog = bookstore::catalog;
  return bookstore::service::Main("catalog", argc, argv, catalog::ReadSettings, catalog::Run);
}
