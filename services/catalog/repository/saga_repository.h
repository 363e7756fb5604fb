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

// Locks the order's saga_orders row until the transaction ends, inserting it as 'pending' when the
// catalog has not heard of the order yet. Returns the state the order had, or nullopt when it is new:
// the caller must then SetSagaOrderState before committing. A concurrent handler of the same order waits
// for this transaction and then sees its outcome.
std::optional<SagaState> ClaimSagaOrder(db::Connection& c, std::int64_t order_id, std::int64_t user_id);

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
