// Orders (port 5003): orders, payments (simulated), delivery, and the orders side of the saga
// (DESIGN §4). Wiring only: settings -> log -> database pool and migrations -> outbox relay -> routes ->
// orders.events consumer and payment-timeout sweeper -> HTTP server.
//   routes:  handlers/ (routes.h lists them)   SQL: repository/   rules: domain/ (SAGA.md, order_state.h)
//   events:  events/dispatch.cpp (book.*, order.stock_reserved/rejected consumed), events/order_events.cpp
//            (order.* emitted)   background: jobs/payment_sweeper.cpp

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
#include "domain/payment.h"
#include "events/dispatch.h"
#include "events/outcome_notifier.h"
#include "handlers/routes.h"
#include "jobs/payment_sweeper.h"

namespace bookstore::orders {
namespace {

using std::chrono::milliseconds;

constexpr int kDefaultPort = 5003;
constexpr int kDefaultAdminPort = 9003;

struct Settings {
  std::string log_level;
  http::ServerOptions server;
  db::Options db;
  bus::Options bus;
  authn::Settings tokens;
  milliseconds confirm_timeout{3000};
  milliseconds payment_timeout{15 * 60 * 1000};
  milliseconds sweep_interval{5000};
  OrderLimits limits;
};

Settings ReadSettings(config::Env& env) {
  Settings s;
  s.log_level = env.String("LOG_LEVEL", "info", "minimum log level: debug, info, warn, error");
  s.server = http::ReadServerOptions(env, kDefaultPort, kDefaultAdminPort);
  s.db = db::ReadOptions(env, "orders");
  s.bus = bus::Options::FromEnv(env, "orders");
  s.tokens = authn::ReadSettings(env);
  s.confirm_timeout = env.Duration("ORDER_CONFIRM_TIMEOUT", s.confirm_timeout,
                                   "how long POST /orders waits for catalog to confirm the stock before "
                                   "answering 202 (the order then completes in the background)");
  s.payment_timeout = env.Duration("ORDER_PAYMENT_TIMEOUT", s.payment_timeout,
                                   "an order still awaiting payment this long after its stock was reserved "
                                   "is cancelled (reason payment_timeout) and its stock goes back");
  s.sweep_interval = env.Duration("ORDER_SWEEP_INTERVAL", s.sweep_interval,
                                  "how often unpaid orders past ORDER_PAYMENT_TIMEOUT are looked for");
  s.limits.max_unpaid_orders =
      env.Int("ORDER_MAX_UNPAID_ORDERS", s.limits.max_unpaid_orders, 1, 1'000'000,
              "orders one user may have pending or awaiting payment at once (more: 409)");
  s.limits.max_unpaid_copies_per_book =
      env.Int("ORDER_MAX_UNPAID_COPIES", s.limits.max_unpaid_copies_per_book, 1, 1'000'000,
              "copies of one book one user may hold in unpaid orders (more: 409)");
  s.limits.max_orders_per_window =
      env.Int("ORDER_RATE_LIMIT", s.limits.max_orders_per_window, 1, 1'000'000'000,
              "orders one user may place per ORDER_RATE_WINDOW (more: 429)");
  s.limits.window = env.Duration("ORDER_RATE_WINDOW", s.limits.window, "the window of ORDER_RATE_LIMIT");
  return s;
}

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

  http::Server server(settings.server);
  server.Use(service::MapCommonErrors());
  server.Use(handlers::MapDomainErrors());
  const handlers::Deps deps{
      pool, relay, authenticator, notifier, *payments, settings.confirm_timeout, settings.limits};
  handlers::AddOrderRoutes(server, deps);
  handlers::AddPaymentRoutes(server, deps);
  handlers::AddDeliveryRoutes(server, deps);

  // Declared after the server, so destroyed before it: nothing notifies a request's event loop once the
  // server is gone.
  events::EventHandlers handlers(settings.payment_timeout, notifier);
  bus::InboxConsumer consumer(
      pool, settings.bus, "orders",
      [&handlers](const bus::Event& event, db::Connection& c) { handlers.Handle(event, c); }, &relay);
  jobs::PaymentSweeper sweeper(pool, relay, settings.sweep_interval);

  // Tokens revoked by a logout are refused here too, not only at the gateway (issue 13, finding 3): this
  // replica follows auth.token_revoked and auth's /internal/revocations. After the server: destroyed
  // first. Not a readiness condition (auth may be away; the gateway refuses revoked tokens meanwhile).
  const authn::RevocationFeed revocations(settings.bus, settings.tokens.auth_url, client,
                                          authenticator.Revocations(), server.io_context(0));

  const auto waiting_gauge = http::Metrics().AddGaugeFunction(
      "orders_waiting_requests", "POST /orders requests waiting for catalog's answer",
      [&notifier] { return static_cast<double>(notifier.WaiterCount()); });
  // Not auth's keys: GET /delivery-providers goes on while auth is away (the rest then answers 503).
  server.AddReadinessCheck("db", [&pool] { return pool.Healthy(); });
  server.AddReadinessCheck("broker",
                           [&relay, &consumer] { return relay.Connected() && consumer.Connected(); });

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
