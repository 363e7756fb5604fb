#include "bookstore/service/metrics.h"

#include <cmath>
#include <string>

namespace bookstore::service {
namespace {

// A figure that is -1 until first measured reads as NaN ("no value yet"), never as a real -1.
double Measured(std::int64_t value) { return value < 0 ? std::nan("") : static_cast<double>(value); }
double Measured(double value) { return value < 0 ? std::nan("") : value; }

}  // namespace

MetricRegistrations ExportMetrics(const db::Pool& pool) {
  auto& metrics = http::Metrics();
  auto stat = [&pool](auto member) {
    return [&pool, member] { return static_cast<double>(pool.Stats().*member); };
  };
  MetricRegistrations out;
  out.push_back(metrics.AddGaugeFunction(
      "db_pool_size", "Most database connections the pool opens (DB_POOL_SIZE)", stat(&db::PoolStats::size)));
  out.push_back(metrics.AddGaugeFunction("db_pool_connections", "Database connections of the pool, by state",
                                         stat(&db::PoolStats::open), {{"state", "open"}}));
  out.push_back(metrics.AddGaugeFunction("db_pool_connections", "Database connections of the pool, by state",
                                         stat(&db::PoolStats::idle), {{"state", "idle"}}));
  out.push_back(metrics.AddCounterFunction("db_pool_acquires_total", "Connections lent out by the pool",
                                           stat(&db::PoolStats::acquires)));
  out.push_back(metrics.AddCounterFunction("db_pool_waits_total",
                                           "Borrows that found every connection lent out and waited",
                                           stat(&db::PoolStats::waits)));
  out.push_back(metrics.AddCounterFunction("db_pool_wait_seconds_total", "Time borrows spent waiting",
                                           stat(&db::PoolStats::wait_seconds)));
  out.push_back(metrics.AddCounterFunction("db_pool_timeouts_total",
                                           "Borrows that gave up after DB_ACQUIRE_TIMEOUT",
                                           stat(&db::PoolStats::timeouts)));
  return out;
}

MetricRegistrations ExportMetrics(const bus::Relay& relay) {
  auto& metrics = http::Metrics();
  MetricRegistrations out;
  out.push_back(metrics.AddGaugeFunction("outbox_backlog", "Events in the outbox not yet published",
                                         [&relay] { return Measured(relay.Stats().backlog); }));
  out.push_back(metrics.AddGaugeFunction("outbox_oldest_unsent_age_seconds",
                                         "Age of the oldest event not yet published (0 when none)",
                                         [&relay] { return Measured(relay.Stats().oldest_unsent_seconds); }));
  out.push_back(
      metrics.AddCounterFunction("outbox_published_total", "Events published and marked sent",
                                 [&relay] { return static_cast<double>(relay.Stats().published); }));
  out.push_back(
      metrics.AddCounterFunction("outbox_unroutable_total", "Of those, events no queue was bound to",
                                 [&relay] { return static_cast<double>(relay.Stats().unroutable); }));
  out.push_back(metrics.AddCounterFunction("outbox_relay_failures_total",
                                           "Relay rounds that failed (database or broker away, nack)",
                                           [&relay] { return static_cast<double>(relay.Stats().failures); }));
  return out;
}

MetricRegistrations ExportMetrics(const bus::InboxConsumer& consumer) {
  auto& metrics = http::Metrics();
  const bus::ServiceQueue& queue = consumer.Queue();
  auto stat = [&consumer](auto member) {
    return [&consumer, member] { return static_cast<double>(consumer.Stats().*member); };
  };
  MetricRegistrations out;
  const char* events_help = "Events taken from the queue, by outcome";
  for (const auto& [outcome, member] : {std::pair{"handled", &bus::ConsumerStats::handled},
                                        std::pair{"duplicate", &bus::ConsumerStats::duplicates},
                                        std::pair{"failed", &bus::ConsumerStats::failed},
                                        std::pair{"rejected", &bus::ConsumerStats::rejected}}) {
    out.push_back(metrics.AddCounterFunction("inbox_events_total", events_help, stat(member),
                                             {{"queue", queue.name}, {"outcome", outcome}}));
  }
  out.push_back(metrics.AddCounterFunction(
      "inbox_dead_lettered_total", "Events sent to the dead-letter queue (invalid or out of attempts)",
      stat(&bus::ConsumerStats::dead_lettered), {{"queue", queue.name}}));
  out.push_back(metrics.AddCounterFunction("inbox_transactions_total",
                                           "Committed inbox transactions (one event or a batch)",
                                           stat(&bus::ConsumerStats::transactions), {{"queue", queue.name}}));
  const char* depth_help = "Messages waiting in a queue, as the broker counted them a few seconds ago";
  out.push_back(metrics.AddGaugeFunction("bus_queue_messages", depth_help,
                                         [&consumer] { return Measured(consumer.Stats().queue_depth); },
                                         {{"queue", queue.name}}));
  out.push_back(metrics.AddGaugeFunction("bus_queue_messages", depth_help,
                                         [&consumer] { return Measured(consumer.Stats().dead_letter_depth); },
                                         {{"queue", queue.dead_letter_queue}}));
  return out;
}

}  // namespace bookstore::service
