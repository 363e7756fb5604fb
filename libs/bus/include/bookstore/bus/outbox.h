#pragma once
// Transactional outbox (docs/design.md §3): an event is written in the same database transaction as the
// change it announces, and a Relay publishes it afterwards with publisher confirms, marking it sent only once
// the broker confirmed. A crash anywhere loses nothing; a duplicate is possible and the consumers' inbox
// absorbs it.
//
// At start-up, before its own migrations:
//   db::Migrate(pool, bus::Migrations());            // bus_0001_outbox, bus_0002_inbox
//   db::Migrate(pool, db::EmbeddedMigrations());
//   bus::Relay relay(pool, bus_options);            // publishes in the background until destroyed
//
// In a request:
//   co_await pool.Transact([&](db::Connection& c) {
//     c.Execute("UPDATE books SET ...", {...});
//     bus::outbox::Add(c, bus::MakeEvent("book.updated", "catalog", book_json));
//   });
//   // The commit wakes the process's relays: the event is published now, not at the next poll.
//
// The relay holds one pooled database connection while it works: count it in DB_POOL_SIZE.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <stop_token>
#include <thread>
#include <vector>

#include "bookstore/bus/event.h"
#include "bookstore/bus/options.h"
#include "bookstore/bus/publisher.h"
#include "bookstore/db/db.h"
#include "bookstore/db/migrations.h"

namespace bookstore::bus {

// The bus's tables, as migrations named bus_0001_outbox and bus_0002_inbox (tables bus_outbox and
// bus_inbox). Every service with a database applies them before its own migrations, whether it
// publishes, consumes or both.
const std::vector<db::Migration>& Migrations();

namespace outbox {

// Writes the event into bus_outbox on `c`, inside the caller's open transaction (throws
// std::logic_error when `c` is not in a transaction, since a row committed on its own would
// announce a change that might still roll back). Rolls back with the caller's transaction; once it
// commits, every Relay of the process wakes (db::Connection::AfterCommit), so callers never notify one
// themselves and a transaction that added no event wakes none.
void Add(db::Connection& c, const Event& event);
// The same for several events, in one statement (published in this order).
void AddAll(db::Connection& c, std::span<const Event> events);

}  // namespace outbox

// Fault injection for tests.
struct RelayHooks {
  // Runs after the broker confirmed a batch and before the rows are marked sent. Throwing from it acts
  // like a crash at that moment: the rows stay unsent and are published again (a duplicate).
  std::function<void(std::span<const OutgoingMessage>)> before_mark_sent;
};

struct RelayStats {
  std::uint64_t published = 0;   // rows marked sent (including unroutable ones nobody subscribes to)
  std::uint64_t unroutable = 0;  // of which the broker had no queue for (no gateway running, say)
  std::uint64_t failures = 0;    // rounds that failed (database or broker down, nack, ...)
  // The unsent rows of the outbox and the age of the oldest, as the last census saw them (every few
  // seconds, also while the broker is down); -1 before the first one succeeded.
  std::int64_t backlog = -1;
  double oldest_unsent_seconds = -1;
};

// Publishes unsent outbox rows in the background, from construction until destruction.
//
// Each round claims up to options.relay_batch_size unsent rows in id order with
// SELECT ... FOR UPDATE SKIP LOCKED (so several replicas relay side by side without double work),
// publishes them as one batch, waits for all confirms, marks the confirmed ones sent and commits; a
// full batch starts the next round at once. Rounds start when a transaction that added events commits
// (outbox::Add), on Notify(), and every options.relay_poll_interval (a crash between a commit and the
// wake-up only delays the event; so do rows another process wrote). After
// a database or broker failure it retries with backoff (options.reconnect_backoff_*), reconnecting and
// redeclaring the topology. A message nobody is bound to (e.g. auth.token_revoked with no gateway up)
// counts as sent; one that a service queue should have taken is retried after redeclaring the topology.
// Sent rows are deleted after options.outbox_retention.
class Relay {
 public:
  Relay(db::Pool& pool, Options options, RelayHooks hooks = {});
  ~Relay();  // stops and joins; a round in progress finishes first
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Wakes the relay to publish now. Cheap, thread-safe, never blocks. Commits that added events through
  // outbox::Add do it themselves; this is for rows written some other way.
  void Notify() noexcept;

  // True while the relay's broker connection is up (for /readyz). Thread-safe.
  [[nodiscard]] bool Connected() const noexcept;

  [[nodiscard]] RelayStats Stats() const noexcept;

 private:
  void Run(const std::stop_token& stop);
  // One claim-publish-mark round; returns the number of rows claimed.
  std::size_t RelayBatch();
  void DeleteOldRows();
  // Counts the unsent rows for Stats(); a failure only leaves the last figures.
  void TakeCensus();
  // Waits until Notify(), stop, or the timeout.
  void Wait(const std::stop_token& stop, std::chrono::milliseconds timeout);

  db::Pool& pool_;
  Options options_;
  RelayHooks hooks_;
  Publisher publisher_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool notified_ = false;
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> unroutable_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::int64_t> backlog_{-1};
  std::atomic<double> oldest_unsent_seconds_{-1};
  std::jthread thread_;  // last: started after everything it uses exists, joined first
};

}  // namespace bookstore::bus
