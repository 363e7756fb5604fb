#pragma once
// SQL of payments (migrations/0004_create_payments.sql).

#include <cstdint>
#include <optional>
#include <string>

#include "bookstore/db/db.h"
#include "domain/order.h"

namespace bookstore::orders::repository {

// The payment made on `order_id` with this Idempotency-Key, if any.
std::optional<Payment> FindPaymentByKey(db::Connection& c, std::int64_t order_id, const std::string& key);

// The order's completed payment, if any (there is at most one).
std::optional<Payment> FindCompletedPayment(db::Connection& c, std::int64_t order_id);

// Records an attempt (payment.id is ignored) and returns it as stored.
Payment InsertPayment(db::Connection& c, const Payment& payment,
                      const std::optional<std::string>& idempotency_key);

}  // namespace bookstore::orders::repository
