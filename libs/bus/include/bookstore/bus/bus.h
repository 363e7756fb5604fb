#pragma once
// The event bus in one include: events (event.h), topology (topology.h), settings (options.h), the
// transactional outbox and its relay (outbox.h), consumers (consumer.h), publisher (publisher.h) and
// broker administration (admin.h). docs/design.md §3 is the contract; docs/events.md fixes each event's data.
//
// A service with a database, in main():
//   auto bus_options = bus::Options::FromEnv(env, "catalog");
//   ...
//   db::Migrate(pool, bus::Migrations());  // then the service's own migrations
//   bus::Relay relay(pool, bus_options);
//   bus::InboxConsumer consumer(pool, bus_options, "catalog", HandleEvent);
//   // /readyz: relay.Connected() && consumer.Connected() (whether to require them is the service's call:
//   // writes still succeed while the broker is down, the outbox keeps them)

#include "bookstore/bus/admin.h"
#include "bookstore/bus/consumer.h"
#include "bookstore/bus/event.h"
#include "bookstore/bus/options.h"
#include "bookstore/bus/outbox.h"
#include "bookstore/bus/publisher.h"
#include "bookstore/bus/topology.h"
