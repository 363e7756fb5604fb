#pragma once
// The InboxConsumer handler of the catalog.events queue (bound to order.placed, order.cancelled and
// user.registered by the bus topology).

#include <span>

#include "bookstore/bus/event.h"
#include "bookstore/db/db.h"

namespace bookstore::catalog::events {

// A batch of events, new to the inbox, in delivery order: the saga's together (saga_events.h), the
// others one by one; types catalog does not handle are acknowledged without effect. Throws (and the batch
// is split until the event at fault is retried alone, then dead-lettered) when an event is malformed or
// the database fails.
void HandleEvents(std::span<const bus::Event> events, db::Connection& c);

}  // namespace bookstore::catalog::events
