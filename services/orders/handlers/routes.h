#pragma once
// The endpoints of orders (docs/design.md §2), one file per resource:
//   handlers/orders.cpp    POST /orders, GET /orders, GET /orders/{id}, POST /orders/{id}/cancel
//   handlers/placement.cpp POST /orders' writes, a batch of requests at a time
//   handlers/payments.cpp  POST /orders/{id}/pay
//   handlers/delivery.cpp  GET /delivery-providers, POST /orders/{id}/delivery
//   handlers/errors.cpp    the order limits -> HTTP (ValidationError, a lost database: libs/service)
// Checks run in this order: a path id that is not a positive integer is 404 first (no such resource,
// whoever asks); then 401 (no or bad token), 400 (body, parameters, headers), 404, 403, 409; POST
// /orders checks its limits (409 a holding, 429 the rate) before it looks at the books.

#include <chrono>

#include "bookstore/authn/authn.h"
#include "bookstore/db/db.h"
#include "bookstore/http/server.h"
#include "domain/payment.h"
#include "events/outcome_notifier.h"
#include "handlers/placement.h"

namespace bookstore::orders::handlers {

struct Deps {
  db::Pool& pool;
  authn::Authenticator& authenticator;
  events::OutcomeNotifier& notifier;
  PaymentProvider& payments;
  // Writes POST /orders' orders, a batch at a time (handlers/placement.h), with the order limits.
  Placer& placer;
  // How long POST /orders waits for catalog's answer before answering 202 (ORDER_CONFIRM_TIMEOUT).
  std::chrono::milliseconds confirm_timeout{3000};
};

void AddOrderRoutes(http::Server& server, const Deps& deps);
void AddPaymentRoutes(http::Server& server, const Deps& deps);
void AddDeliveryRoutes(http::Server& server, const Deps& deps);

// OrderLimitExceeded -> 409 (a holding) or 429 with Retry-After (the rate), naming the setting in "limit".
// Registered after service::MapCommonErrors (ValidationError -> 400, a lost database -> 503).
http::Middleware MapDomainErrors();

}  // namespace bookstore::orders::handlers
