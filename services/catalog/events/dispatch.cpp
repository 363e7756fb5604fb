#include "events/dispatch.h"

#include <algorithm>
#include <vector>

#include "bookstore/log/log.h"
#include "events/saga_events.h"
#include "events/seller_events.h"

namespace bookstore::catalog::events {
namespace {

bool IsSagaEvent(const bus::Event& event) {
  return event.type == "order.placed" || event.type == "order.cancelled";
}

}  // namespace

void HandleEvents(std::span<const bus::Event> events, db::Connection& c) {
  if (std::all_of(events.begin(), events.end(), IsSagaEvent)) {
    HandleSagaEvents(events, c);  // the usual batch: no copies
    return;
  }
  std::vector<bus::Event> saga;
  for (const bus::Event& event : events) {
    if (IsSagaEvent(event)) {
      saga.push_back(event);
    } else if (event.type == "user.registered") {
      HandleUserRegistered(event, c);
    } else {
      log::Debug("ignoring an event catalog does not handle", {{"type", event.type}, {"event_id", event.id}});
    }
  }
  if (!saga.empty()) {
    HandleSagaEvents(saga, c);
  }
}

}  // namespace bookstore::catalog::events
