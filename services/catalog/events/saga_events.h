#pragma once
// The catalog's side of the order saga (docs/design.md §4), run by the InboxConsumer inside its transaction
// (so a redelivered event, already in the inbox, has no second effect).
//
// order.placed: lock the books in id order, then reserve every item or none. Reserved: stock goes down,
//   one reservations row per book, order.stock_reserved (titles, sellers and unit prices from the
//   catalog, total) and book.stock_changed per book. Not reserved: order.stock_rejected with the reason
//   (book_not_found wins over insufficient_stock) and the items short.
// order.cancelled: give back what the order holds, once (reservations 'reserved' -> 'released', stock up,
//   book.stock_changed per book that is not deleted).
// saga_orders makes both idempotent per order, whichever arrives first: a cancellation handled before
// its order.placed leaves a 'cancelled' row, and the late order.placed then reserves nothing.

#include "bookstore/bus/event.h"
#include "bookstore/db/db.h"

namespace bookstore::catalog::events {

void HandleOrderPlaced(const bus::Event& event, db::Connection& c);
void HandleOrderCancelled(const bus::Event& event, db::Connection& c);

}  // namespace bookstore::catalog::events
