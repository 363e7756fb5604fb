// Orders (port 5003): orders, payments (simulated), delivery, and the orders side of the saga
// (docs/design.md §4). Wiring only: settings -> log -> database pool and migrations -> outbox relay -> routes
// -> orders.events consumer and payment-timeout sweeper -> HTTP server.
//   routes:  handlers/ (routes.h lists them)   SQL: repository/   rules: domain/ (SAGA.md, order_state.h)
//   events:  events/dispatch.cpp (book.*, order.stock_reserved/rejected consumed), events/order_events.cpp
//            (order.* emitted)   background: jobs/payment_sweeper.cpp, jobs/order_census.cpp (metrics)

#include "bookstore/service/main.h"

#include <string>

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
#include "domain/payment.h"
#include "events/dispatch.h"
#include "events/outcome_notifier.h"
#include "handlers/routes.h"
#include "jobs/order_census.h"
#include "jobs/payment_sweeper.h"
#include "settings.h"

namespace bookstore::orders {
namespace {

// How often orders_by_state is counted (a walk of an index; a scrape every 15 s sees it fresh enough).
constexpr std::chrono::seconds kCensusInterval{10};

int Run(const Settings& settings) {
  db::Pool pool(settings.db);
  db::MigrateWhenReachable(pool, bus::Migrations());
  db::MigrateWhenReachable(pool, db::EmbeddedMigrations());

  bus::Relay relay(pool, settings.bus);
  events::OutcomeNotifier notifier;
  const auto payments = MakeSimulatedPaymentProvider();

  http::Client client;
  authn::KeySource keys(authn::KeySource::Options{.auth_url = settings.tokens.auth_url}, client);
  authn::Authenticator authenticator(authn::Authenticator::Options::From(settings.tokens), keys);

  // Before the server, so destroyed after it: no request waits on it then.
  handlers::Placer placer(pool, [&settings](std::span<const handlers::Placing> batch, db::Connection& c) {
    return handlers::PlaceBatch(settings.limits, batch, c);
  });
  http::Server server(settings.server);
  server.Use(service::MapCommonErrors());
  server.Use(handlers::MapDomainErrors());
  const handlers::Deps deps{pool, authenticator, notifier, *payments, placer, settings.confirm_timeout};
  handlers::AddOrderRoutes(server, deps);
  handlers::AddPaymentRoutes(server, deps);
  handlers::AddDeliveryRoutes(server, deps);

  // Declared after the server, so destroyed before it: nothing notifies a request's event loop once the
  // server is gone.
  events::EventHandlers handlers(settings.payment_timeout, notifier);
  bus::InboxConsumer consumer(
      pool, settings.bus, "orders",
      bus::InboxBatchHandler([&handlers](std::span<const bus::Event> events, db::Connection& c) {
        handlers.Handle(events, c);
      }));
  jobs::PaymentSweeper sweeper(pool, settings.sweep_interval);
  const jobs::OrderCensus census(pool, kCensusInterval);
  const auto pool_metrics = service::ExportMetrics(pool);
  const auto relay_metrics = service::ExportMetrics(relay);
  const auto consumer_metrics = service::ExportMetrics(consumer);

  // Tokens revoked by a logout are refused here too (authn/revocation_sync.h).
  const authn::RevocationFeed revocations(settings.bus, settings.tokens.auth_url, client,
                                          authenticator.Revocations(), server.io_context(0));

  const auto waiting_gauge = http::Metrics().AddGaugeFunction(
      "orders_waiting_requests", "POST /orders requests waiting for catalog's answer",
      [&notifier] { return static_cast<double>(notifier.WaiterCount()); });
  // Not auth's keys: GET /delivery-providers goes on while auth is away (the rest then answers 503).
  service::AddDatabaseAndBrokerChecks(server, pool, relay, &consumer);

  keys.Start(server.io_context(0));
  server.Run();  // not Start() first: only a Run() that starts the server handles SIGTERM (drain)
  return 0;
}

}  // namespace
}  // namespace bookstore::orders

int main(int argc, char** argv) {
  namespace orders = bookstore::orders;
  return bookstore::service::Main("orders", argc, argv, orders::ReadSettings, orders::Run);
}
