#pragma once
// The InboxConsumer handler of the catalog.events queue (bound to order.placed, order.cancelled and
// user.registered by the bus topology).

#include "bookstore/bus/event.h"
#include "bookstore/db/db.h"

namespace bookstore::catalog::events {

// Runs the handler for the event's type; other types are acknowledged without effect. Throws (and the
// event is retried, then dead-lettered) when the event is malformed or the database fails.
void HandleEvent(const bus::Event& event, db::Connection& c);

}  // namespace bookstore::catalog::events
