#pragma once
// All SQL on saga_orders and reservations (migration 0003).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/db/db.h"

namespace bookstore::catalog::repository {

// What the catalog has done about an order (saga_orders.state).
enum class SagaState { kReserved, kRejected, kReleased, kCancelled };

std::string_view SagaStateName(SagaState state);

// The order's state with its saga_orders row locked until the transaction ends, or nullopt when the
// catalog has not heard of the order yet (the gap is then locked, so a concurrent handler of the same
// order waits or deadlocks and is rerun).
std::optional<SagaState> LockSagaOrder(db::Connection& c, std::int64_t order_id);

void InsertSagaOrder(db::Connection& c, std::int64_t order_id, std::int64_t user_id, SagaState state);
void SetSagaOrderState(db::Connection& c, std::int64_t order_id, SagaState state);

void InsertReservation(db::Connection& c, std::int64_t order_id, std::int64_t book_id, std::int64_t quantity,
                       std::int64_t unit_price_cents);

struct HeldItem {
  std::int64_t book_id = 0;
  std::int64_t quantity = 0;
};

// The order's reservations still 'reserved', sorted by book id, locked.
std::vector<HeldItem> LockHeldItems(db::Connection& c, std::int64_t order_id);

// status 'reserved' -> 'released' for every item of the order.
void MarkReleased(db::Connection& c, std::int64_t order_id);

}  // namespace bookstore::catalog::repository
