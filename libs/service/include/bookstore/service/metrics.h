#pragma once
// The figures of the parts a service is built from on /metrics (docs/design.md §5, "Metrics"),
// for as long as the returned registrations live: keep them after the part they read, e.g.
//   bus::Relay relay(pool, settings.bus);
//   const auto relay_metrics = service::ExportMetrics(relay);
//
//   db_pool_size, db_pool_connections{state="open"|"idle"}                       gauges
//   db_pool_acquires_total, db_pool_waits_total, db_pool_wait_seconds_total,
//   db_pool_timeouts_total                                                         counters
//   outbox_backlog, outbox_oldest_unsent_age_seconds                               gauges (NaN until counted)
//   outbox_published_total, outbox_unroutable_total, outbox_relay_failures_total   counters
//   inbox_events_total{queue,outcome="handled"|"duplicate"|"failed"|"rejected"},
//   inbox_dead_lettered_total{queue}, inbox_transactions_total{queue}              counters
//   bus_queue_messages{queue}  (the consumed queue and its dead-letter queue)      gauge (NaN until counted)

#include <vector>

#include "bookstore/bus/consumer.h"
#include "bookstore/bus/outbox.h"
#include "bookstore/db/db.h"
#include "bookstore/http/metrics.h"

namespace bookstore::service {

using MetricRegistrations = std::vector<http::GaugeRegistration>;

[[nodiscard]] MetricRegistrations ExportMetrics(const db::Pool& pool);
[[nodiscard]] MetricRegistrations ExportMetrics(const bus::Relay& relay);
[[nodiscard]] MetricRegistrations ExportMetrics(const bus::InboxConsumer& consumer);

}  // namespace bookstore::service
