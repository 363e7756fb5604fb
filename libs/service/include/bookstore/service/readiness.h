#pragma once
// The readiness checks of a service on its database and the bus (/readyz on the admin port, docs/
// design.md §5): "db", the pool answers; "broker", the relay is connected, and the consumer too when the
// service has one. What else a service waits for (or, as catalog and orders with auth's keys, does not)
// stays with its main().

#include "bookstore/bus/consumer.h"
#include "bookstore/bus/outbox.h"
#include "bookstore/db/db.h"
#include "bookstore/http/server.h"

namespace bookstore::service {

// `pool`, `relay` and `consumer` (may be null: none) must outlive the server's checks.
void AddDatabaseAndBrokerChecks(http::Server& server, db::Pool& pool, const bus::Relay& relay,
                                const bus::InboxConsumer* consumer = nullptr);

}  // namespace bookstore::service
