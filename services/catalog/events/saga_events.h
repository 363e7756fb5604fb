#pragma once
// The catalog's side of the order saga (docs/design.md §4), run by the InboxConsumer inside its transaction
// (so a redelivered event, already in the inbox, has no second effect), for a batch of order.placed and
// order.cancelled events at a time, applied in delivery order as if one after the other.
//
// order.placed: reserve every item or none. Reserved: stock goes down, one reservations row per book,
//   order.stock_reserved (titles, sellers and unit prices from the catalog, total). Not reserved:
//   order.stock_rejected with the reason (book_not_found wins over insufficient_stock) and the items short.
// order.cancelled: give back what the order holds, once (reservations 'reserved' -> 'released', stock up).
// Each book whose stock moved gets one book.stock_changed with its final stock (not a deleted one: that
// would bring it back to life in other services' read models).
// saga_orders makes both idempotent per order, whichever arrives first: a cancellation handled before
// its order.placed leaves a 'cancelled' row, and the late order.placed then reserves nothing.
//
// The batch locks its saga rows (ascending order id), then the reservations it releases, then its books
// (ascending id), each set in one statement; every other writer of those tables takes them in that order
// or locks one row, so two batches, or a batch and a seller's PUT, never deadlock. About a dozen
// statements per batch, whatever its size (services/orders/domain/SAGA.md has the costs).

#include <span>

#include "bookstore/bus/event.h"
#include "bookstore/db/db.h"

namespace bookstore::catalog::events {

// Throws MalformedEvent (domain/saga.h) when an event's data is not as docs/events.md gives it.
void HandleSagaEvents(std::span<const bus::Event> events, db::Connection& c);

}  // namespace bookstore::catalog::events
