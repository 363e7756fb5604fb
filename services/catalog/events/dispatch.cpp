#include "events/dispatch.h"

#include "bookstore/log/log.h"
#include "events/saga_events.h"
#include "events/seller_events.h"

namespace bookstore::catalog::events {

void HandleEvent(const bus::Event& event, db::Connection& c) {
  if (event.type == "order.placed") {
    HandleOrderPlaced(event, c);
  } else if (event.type == "order.cancelled") {
    HandleOrderCancelled(event, c);
  } else if (event.type == "user.registered") {
    HandleUserRegistered(event, c);
  } else {
    log::Debug("ignoring an event catalog does not handle", {{"type", event.type}, {"event_id", event.id}});
  }
}

}  // namespace bookstore::catalog::events
