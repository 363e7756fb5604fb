#include "repository/saga_repository.h"

#include <stdexcept>

#include "bookstore/money/money.h"

namespace bookstore::catalog::repository {

std::string_view SagaStateName(SagaState state) {
  switch (state) {
    case SagaState::kReserved:
      return "reserved";
    case SagaState::kRejected:
      return "rejected";
    case SagaState::kReleased:
      return "released";
    case SagaState::kCancelled:
      break;
  }
  return "cancelled";
}

std::optional<SagaState> ClaimSagaOrder(db::Connection& c, std::int64_t order_id, std::int64_t user_id) {
  // Not SELECT ... FOR UPDATE first: on a missing key that locks the gap, and two handlers of new orders
  // would then block each other's inserts (a deadlock for every pair of concurrent new orders).
  c.Execute(
      "INSERT INTO saga_orders (order_id, user_id, state, created_at, updated_at) "
      "VALUES (?, ?, 'pending', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE order_id = "
      "order_id",
      {order_id, user_id});
  const std::string state =
      c.QueryOne("SELECT state FROM saga_orders WHERE order_id = ? FOR UPDATE", {order_id})->String(0);
  if (state == "pending") {
    return std::nullopt;  // inserted just now: pending is never committed
  }
  if (state == "reserved") {
    return SagaState::kReserved;
  }
  if (state == "rejected") {
    return SagaState::kRejected;
  }
  if (state == "released") {
    return SagaState::kReleased;
  }
  if (state == "cancelled") {
    return SagaState::kCancelled;
  }
  throw std::logic_error("unknown saga state '" + state + "' of order " + std::to_string(order_id));
}

void SetSagaOrderState(db::Connection& c, std::int64_t order_id, SagaState state) {
  c.Execute("UPDATE saga_orders SET state = ?, updated_at = UTC_TIMESTAMP(3) WHERE order_id = ?",
            {SagaStateName(state), order_id});
}

void InsertReservation(db::Connection& c, std::int64_t order_id, std::int64_t book_id, std::int64_t quantity,
                       std::int64_t unit_price_cents) {
  c.Execute(
      "INSERT INTO reservations (order_id, book_id, quantity, unit_price, status, created_at) "
      "VALUES (?, ?, ?, ?, 'reserved', UTC_TIMESTAMP(3))",
      {order_id, book_id, quantity, db::Decimal{money::ToDecimal(unit_price_cents)}});
}

std::vector<HeldItem> LockHeldItems(db::Connection& c, std::int64_t order_id) {
  std::vector<HeldItem> items;
  for (const auto& row : c.Query("SELECT book_id, quantity FROM reservations WHERE order_id = ? "
                                 "AND status = 'reserved' ORDER BY book_id FOR UPDATE",
                                 {order_id})) {
    items.push_back({row.Int(0), row.Int(1)});
  }
  return items;
}

void MarkReleased(db::Connection& c, std::int64_t order_id) {
  c.Execute(
      "UPDATE reservations SET status = 'released', released_at = UTC_TIMESTAMP(3) "
      "WHERE order_id = ? AND status = 'reserved'",
      {order_id});
}

}  // namespace bookstore::catalog::repository
