#include "settings.h"

#include "bookstore/config/env.h"

namespace bookstore::orders {

Settings ReadSettings(config::Env& env) {
  Settings s;
  service::ReadBackendSettings(env, {.name = "orders", .port = 5003, .admin_port = 9003}, s);
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

}  // namespace bookstore::orders
