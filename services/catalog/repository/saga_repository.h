#pragma once
// All SQL on saga_orders and reservations (migration 0003).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/db/db.h"

namespace bookstore::catalog::repository {

// What the catalog has done about an order (saga_orders.state).
enum class SagaState { kReserved, kRejected, kReleased, kCancelled };

std::string_view SagaStateName(SagaState state);

// The functions below serve one batch of saga events at a time (events/saga_events.cpp), each in one
// statement whatever the batch's size.

// Locks the saga_orders rows of `orders` (order id -> user id) until the transaction ends, in ascending
// order id, inserting those the catalog has not heard of as 'pending'. Returns each order's state, or
// nullopt for a new one: the caller must then set its state before committing. A concurrent batch
// holding one of them is waited for, and its outcome seen.
std::map<std::int64_t, std::optional<SagaState>> ClaimSagaOrders(
    db::Connection& c, const std::map<std::int64_t, std::int64_t>& orders);

void SetSagaOrderStates(db::Connection& c, const std::map<std::int64_t, SagaState>& states);

struct NewReservation {
  std::int64_t order_id = 0;
  std::int64_t book_id = 0;
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;
};

void InsertReservations(db::Connection& c, const std::vector<NewReservation>& reservations);

struct HeldItem {
  std::int64_t book_id = 0;
  std::int64_t quantity = 0;
};

// The orders' reservations still 'reserved', by order, sorted by book id, locked.
std::map<std::int64_t, std::vector<HeldItem>> LockHeldItems(db::Connection& c,
                                                            const std::vector<std::int64_t>& order_ids);

// status 'reserved' -> 'released' for every item of the orders.
void MarkReleased(db::Connection& c, const std::vector<std::int64_t>& order_ids);

}  // namespace bookstore::catalog::repository
