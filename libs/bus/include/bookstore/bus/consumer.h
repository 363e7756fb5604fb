#pragma once
// Consuming events: InboxConsumer for services with a database, Subscriber for the gateway.
//
// Both run in the background from construction until destruction, on AMQP connections of their own
// (never shared with a publisher), with manual acknowledgements and a prefetch window. Both declare the
// whole topology each time they connect and reconnect with backoff after a broker restart. Destroying
// one stops it cleanly: the delivery being handled finishes, unacknowledged ones go back to the queue.
//
// Service (e.g. catalog), after applying bus::Migrations():
//   bus::Relay relay(pool, bus_options);
//   bus::InboxConsumer consumer(pool, bus_options, "catalog",
//       [&](const bus::Event& event, db::Connection& c) {
//         if (event.type == "order.placed") ReserveStock(c, event);  // may call bus::outbox::Add(c, ...)
//         // types bound to the queue but not handled here: just return (they are recorded as done)
//       });
//
// Gateway:
//   bus::Subscriber live(bus_options, {"book.*", "order.*", "auth.token_revoked"},
//       [&](const bus::Event& event) { ... }, [&] { /* (re)connected: refresh what may have been missed */
//       });

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bookstore/bus/event.h"
#include "bookstore/bus/options.h"
#include "bookstore/db/db.h"

namespace bookstore::bus {

namespace detail {
class AmqpConnection;
class ConsumeWorker;
struct Delivery;
}  // namespace detail
class Relay;

// Runs inside the inbox transaction on `c`: write the event's effects with `c` (and, to emit follow-up
// events atomically, outbox::Add(c, ...)); do not commit or roll back yourself. Throw to refuse the event.
using InboxHandler = std::function<void(const Event& event, db::Connection& c)>;
// The same for the events of one batch that were not handled before, in delivery order (one or more),
// so that a handler can do its work per batch (a few statements for all of them) rather than per event.
// Throwing refuses them all; the consumer then splits the batch (below), so a handler needs no way to
// say which event was at fault.
using InboxBatchHandler = std::function<void(std::span<const Event> events, db::Connection& c)>;
using EventHandler = std::function<void(const Event& event)>;

struct ConsumerStats {
  std::uint64_t handled = 0;       // handler ran and its transaction committed (Subscriber: handler returned)
  std::uint64_t duplicates = 0;    // already in the inbox: acknowledged without running the handler
  std::uint64_t failed = 0;        // handler threw: nacked with requeue (dead-lettered after the limit)
  std::uint64_t rejected = 0;      // not a valid event: rejected without requeue (dead-lettered at once)
  std::uint64_t transactions = 0;  // InboxConsumer: committed inbox transactions (each one or a batch)
  std::uint64_t dead_lettered =
      0;  // InboxConsumer: sent to the dead-letter queue (rejected or out of attempts)
  // InboxConsumer: messages waiting in its queue and in its dead-letter queue, as the broker counted them
  // at most a few seconds ago (-1 before the first count).
  std::int64_t queue_depth = -1;
  std::int64_t dead_letter_depth = -1;
};

// Counters shared by a consumer's workers.
struct ConsumerCounters {
  std::atomic<std::uint64_t> handled{0}, duplicates{0}, failed{0}, rejected{0}, transactions{0},
      dead_lettered{0};
  std::atomic<std::int64_t> queue_depth{-1}, dead_letter_depth{-1};
  [[nodiscard]] ConsumerStats Snapshot() const noexcept {
    return ConsumerStats{handled.load(),     duplicates.load(),       failed.load(),
                         rejected.load(),    transactions.load(),     dead_lettered.load(),
                         queue_depth.load(), dead_letter_depth.load()};
  }
};

// Consumes the durable queue of `service` (options.topology.QueueOf(service); replicas of a service
// share it, so each event is handled once per service) with options.consumer_workers workers, each with
// its own AMQP connection and prefetch window.
//
// For each delivery, in ONE database transaction: insert the event id into bus_inbox, then call the
// handler; acknowledge only after the commit. Deliveries already waiting behind the first (up to
// options.inbox_batch) share one transaction (their inbox rows in one statement, one acknowledgement
// for all), so that a busy queue costs one commit per batch rather than per event. When the handler
// throws, the batch is rolled back; an InboxHandler's event at fault counts as failed (as below) and the
// others run again without it, while a batch handler's batch is split in halves, each handled the same
// way, until the event at fault is alone; a deadlocked batch runs once more, then (like a database outage)
// its events are handled one by one as below. A handler may thus run more than once for an event whose
// effects commit once: side effects outside the database belong in c.AfterCommit(...).
//   - id already in the inbox (a redelivery or a duplicate publish): no handler call, ack.
//   - handler throws: rollback, nack with requeue. The quorum queue counts deliveries and after
//     topology.delivery_limit redeliveries moves the message to the service's dead-letter queue
//     (<queue>.dead), without blocking the messages behind it.
//   - not a valid CloudEvent: reject without requeue (straight to the dead-letter queue).
//   - deadlock / lock wait timeout: the transaction is rerun at once (up to 5 times) before counting
//     as a failure.
//   - database unreachable: the delivery is kept and retried with backoff until the database is back,
//     so an outage does not use up delivery attempts or dead-letter healthy messages.
// With several replicas (or workers), events are handled concurrently and not necessarily in publish
// order (book read models compare `version`; handlers must not depend on the order of different events).
// Each worker holds one pooled database connection while handling: count them in DB_POOL_SIZE.
// Follow-up events a handler adds with outbox::Add wake the process's relay when the transaction commits.
class InboxConsumer {
 public:
  InboxConsumer(db::Pool& pool, Options options, const std::string& service, InboxHandler handler);
  InboxConsumer(db::Pool& pool, Options options, const std::string& service, InboxBatchHandler handler);
  ~InboxConsumer();
  InboxConsumer(const InboxConsumer&) = delete;
  InboxConsumer& operator=(const InboxConsumer&) = delete;

  // True while every worker is connected and consuming (for /readyz). Thread-safe.
  [[nodiscard]] bool Connected() const noexcept;
  [[nodiscard]] ConsumerStats Stats() const noexcept { return counters_.Snapshot(); }
  // The queue it consumes (with its dead-letter queue's name).
  [[nodiscard]] const ServiceQueue& Queue() const noexcept;

 private:
  struct Shared;
  ConsumerCounters counters_;
  std::unique_ptr<Shared> shared_;
  std::vector<std::unique_ptr<detail::ConsumeWorker>> workers_;  // last: stopped before what they use
};

// A per-replica, best-effort feed for the gateway: its own server-named, exclusive, auto-delete queue
// (gone when the connection closes; at most 10,000 waiting messages, oldest dropped first) bound to
// `binding_keys` on the events exchange. The handler runs on the subscriber's thread, one event at a
// time; the delivery is acknowledged after it returns or throws (a throw is logged, not retried).
// Events published while the subscriber is disconnected are missed: `on_connected` runs after each
// (re)connection, once the queue is bound, so the caller can resynchronise (e.g. reload revocations).
class Subscriber {
 public:
  Subscriber(Options options, std::vector<std::string> binding_keys, EventHandler handler,
             std::function<void()> on_connected = {});
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  [[nodiscard]] bool Connected() const noexcept;
  [[nodiscard]] ConsumerStats Stats() const noexcept { return counters_.Snapshot(); }

 private:
  void Handle(detail::AmqpConnection& amqp, const detail::Delivery& delivery);

  ConsumerCounters counters_;
  Options options_;
  EventHandler handler_;
  std::function<void()> on_connected_;
  std::unique_ptr<detail::ConsumeWorker> worker_;  // last: stopped before what it uses
};

}  // namespace bookstore::bus
