#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bookstore/bus/consumer.h"
#include "bookstore/bus/outbox.h"
#include "bookstore/log/log.h"
#include "consume_worker.h"

namespace bookstore::bus {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxDeadlockReruns = 5;

// Clean-up runs a tenth of the retention apart, between once a second and once every ten minutes.
std::chrono::milliseconds CleanupInterval(std::chrono::milliseconds retention) {
  return std::clamp<std::chrono::milliseconds>(retention / 10, std::chrono::seconds(1),
                                               std::chrono::minutes(10));
}
constexpr std::int64_t kDeleteChunk = 5000;
// How often the first worker asks the broker for the queue depths (/metrics).
constexpr std::chrono::seconds kQueueCountInterval{5};

// Errors that say the database is unreachable rather than that this event is bad: retrying the same
// delivery later will work, and giving it back to the broker would only burn its delivery attempts.
bool IsDatabaseOutage(const db::Error& e) {
  switch (e.Code()) {
    case 1040:  // too many connections
    case 1053:  // server shutdown in progress
    case 1927:  // connection killed
    case 2002:  // can't connect through socket
    case 2003:  // can't connect to server
    case 2005:  // unknown host
    case 2006:  // server has gone away
    case 2013:  // lost connection during query
    case 2055:  // lost connection (system error)
    case 4031:  // disconnected by the server for inactivity
      return true;
    default:
      return e.IsConnectionLost();
  }
}

enum class Outcome { kHandled, kDuplicate };

}  // namespace

struct InboxConsumer::Shared {
  Shared(db::Pool& pool_in, Options options_in, ServiceQueue queue_in, InboxHandler handler_in,
         ConsumerCounters& counters_in, Relay* relay_in)
      : pool(pool_in),
        options(std::move(options_in)),
        queue(std::move(queue_in)),
        handler(std::move(handler_in)),
        counters(counters_in),
        relay(relay_in) {}

  db::Pool& pool;
  Options options;
  ServiceQueue queue;
  InboxHandler handler;
  ConsumerCounters& counters;
  Relay* relay;
  std::mutex cleanup_mutex;
  Clock::time_point next_cleanup = Clock::now();
  Clock::time_point next_queue_count = Clock::now();  // worker 0's thread only

  // Inside the caller's transaction: the inbox row and the handler's effects commit together, or
  // neither does. A duplicate key fails only its own statement, so the transaction goes on.
  Outcome HandleOne(db::Connection& c, const Event& event) {
    try {
      c.Execute("INSERT INTO bus_inbox (event_id, type) VALUES (?, ?)", {event.id, event.type});
    } catch (const db::Error& e) {
      if (e.IsDuplicateKey()) return Outcome::kDuplicate;  // handled before: nothing else to write
      throw;
    }
    handler(event, c);
    return Outcome::kHandled;
  }

  Outcome HandleInTransaction(const Event& event) {
    return pool.WithConnection([&](db::Connection& c) {
      db::Transaction tx(c);
      const Outcome outcome = HandleOne(c, event);
      tx.Commit();
      return outcome;
    });
  }

  // Counts the event's outcome and logs it: the consumer's access log, with the trace the event belongs to.
  void Count(const Event& event, Outcome outcome) {
    if (outcome == Outcome::kHandled) {
      ++counters.handled;
    } else {
      ++counters.duplicates;
    }
    log::Info("event",
              EventLogFields(event, {{"queue", queue.name},
                                     {"outcome", outcome == Outcome::kHandled ? "handled" : "duplicate"}}));
  }

  using Batch = std::vector<std::pair<detail::Delivery, Event>>;

  struct BatchResult {
    bool committed = false;
    std::vector<Outcome> outcomes;              // when committed: one per event
    std::optional<std::size_t> failed_handler;  // else: the event whose handler threw, if that was it
    std::string error;
  };

  // Several waiting events in one transaction: one commit (and one flush of the redo log) instead of one
  // per event. Nothing is written unless all of them go through.
  BatchResult RunBatch(const Batch& batch) {
    BatchResult result;
    std::optional<std::size_t> handling;  // the event being handled when something throws
    try {
      pool.WithConnection([&](db::Connection& c) {
        db::Transaction tx(c);
        for (std::size_t i = 0; i < batch.size(); ++i) {
          handling = i;
          result.outcomes.push_back(HandleOne(c, batch[i].second));
        }
        handling.reset();
        tx.Commit();
      });
      result.committed = true;
    } catch (const db::Error& e) {
      // Deadlock, outage, no free connection, failed commit...: the events are handled one by one, each
      // with its retries. A handler's own database error (a constraint, say) is that event's failure.
      if (!e.IsRetryable() && !IsDatabaseOutage(e)) result.failed_handler = handling;
      result.error = e.what();
    } catch (const std::exception& e) {
      result.failed_handler = handling;
      result.error = e.what();
    } catch (...) {
      result.failed_handler = handling;
      result.error = "unknown exception";
    }
    return result;
  }

  void ProcessBatch(detail::AmqpConnection& amqp, std::vector<detail::Delivery>&& deliveries,
                    const std::stop_token& stop) {
    Batch batch;
    batch.reserve(deliveries.size());
    for (auto& delivery : deliveries) {
      if (auto event = ParseOrReject(amqp, delivery)) {
        batch.emplace_back(std::move(delivery), std::move(*event));
      }
    }
    while (batch.size() > 1) {
      BatchResult result = RunBatch(batch);
      if (result.committed) {
        Acknowledge(amqp, batch, result.outcomes);
        return;
      }
      if (!result.failed_handler) {
        log::Debug("a batch of events failed; handling them one by one",
                   {{"queue", queue.name}, {"events", batch.size()}, {"error", result.error}});
        break;
      }
      // That event failed once, exactly as on its own; the others go again without it.
      const auto failed = batch.begin() + static_cast<std::ptrdiff_t>(*result.failed_handler);
      Fail(amqp, failed->first, failed->second, result.error);
      batch.erase(failed);
    }
    for (const auto& [delivery, event] : batch) {
      if (stop.stop_requested()) return;  // the rest go back to the queue with the connection
      Process(amqp, delivery, event, stop);
    }
  }

  void Acknowledge(detail::AmqpConnection& amqp, const Batch& batch, const std::vector<Outcome>& outcomes) {
    ++counters.transactions;
    if (relay != nullptr &&
        std::find(outcomes.begin(), outcomes.end(), Outcome::kHandled) != outcomes.end()) {
      relay->Notify();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      amqp.Ack(batch[i].first.delivery_tag);
      Count(batch[i].second, outcomes[i]);
    }
  }

  // The event in the delivery, or nullopt after rejecting a message that is not a valid event.
  std::optional<Event> ParseOrReject(detail::AmqpConnection& amqp, const detail::Delivery& delivery) {
    try {
      Event event = ParseEvent(delivery.body);
      event.traceparent = delivery.traceparent;
      return event;
    } catch (const BadEvent& e) {
      log::Error("rejected a message that is not a valid event; it goes to the dead-letter queue",
                 detail::DeliveryLogFields(delivery, {{"queue", queue.name}, {"error", e.what()}}));
      ++counters.rejected;
      ++counters.dead_lettered;
      amqp.Reject(delivery.delivery_tag, /*requeue=*/false);
      return std::nullopt;
    }
  }

  void Fail(detail::AmqpConnection& amqp, const detail::Delivery& delivery, const Event& event,
            std::string_view error) {
    // The quorum queue dead-letters a message returned once more after delivery_limit redeliveries.
    const bool last_attempt = delivery.delivery_count >= options.topology.delivery_limit;
    log::Error(last_attempt
                   ? "event handler failed for the last time; the message goes to the dead-letter queue"
                   : "event handler failed; the message goes back to its queue for another attempt",
               EventLogFields(event, {{"queue", queue.name},
                                      {"delivery_count", delivery.delivery_count},
                                      {"delivery_limit", options.topology.delivery_limit},
                                      {"error", error}}));
    ++counters.failed;
    if (last_attempt) ++counters.dead_lettered;
    amqp.Nack(delivery.delivery_tag, /*requeue=*/true);
  }

  void Process(detail::AmqpConnection& amqp, const detail::Delivery& delivery, const Event& event,
               const std::stop_token& stop) {
    int deadlock_reruns = 0;
    auto backoff = options.reconnect_backoff_min;
    bool outage_logged = false;
    while (true) {
      Outcome outcome{};
      try {
        outcome = HandleInTransaction(event);
      } catch (const db::Error& e) {
        if (e.IsRetryable() && ++deadlock_reruns <= kMaxDeadlockReruns) continue;
        if (!IsDatabaseOutage(e)) {
          Fail(amqp, delivery, event, e.what());
          return;
        }
        if (!outage_logged) {
          log::Warn("database unavailable; holding the event until it is back",
                    EventLogFields(event, {{"queue", queue.name}, {"error", e.what()}}));
          outage_logged = true;
        }
        // Stopping: leave it unacknowledged; closing the connection returns it to the queue.
        if (!detail::PumpFor(amqp, stop, backoff)) return;
        backoff = std::min(backoff * 2, options.reconnect_backoff_max);
        continue;
      } catch (const std::exception& e) {
        Fail(amqp, delivery, event, e.what());
        return;
      } catch (...) {
        Fail(amqp, delivery, event, "unknown exception");
        return;
      }
      if (outcome == Outcome::kHandled) ++counters.transactions;
      if (relay != nullptr && outcome == Outcome::kHandled) relay->Notify();
      amqp.Ack(delivery.delivery_tag);
      Count(event, outcome);
      return;
    }
  }

  // The depths of the queue and its dead-letter queue for Stats(), every few seconds: a passive declare
  // on the consuming channel (rabbitmq-c keeps deliveries that arrive before its answer for later).
  void CountQueues(detail::AmqpConnection& amqp) {
    if (Clock::now() < next_queue_count) return;
    next_queue_count = Clock::now() + kQueueCountInterval;
    counters.queue_depth = amqp.MessageCount(queue.name);
    counters.dead_letter_depth = amqp.MessageCount(queue.dead_letter_queue);
  }

  // Event ids only need remembering as long as a redelivery is plausible.
  void DeleteOldInboxRows() noexcept {
    {
      std::lock_guard lock(cleanup_mutex);
      if (Clock::now() < next_cleanup) return;
      next_cleanup = Clock::now() + CleanupInterval(options.inbox_retention);
    }
    const auto retention_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(options.inbox_retention).count();
    try {
      std::uint64_t deleted = 0;
      do {
        deleted = pool.WithConnection([&](db::Connection& c) {
          return c
              .Execute("DELETE FROM bus_inbox WHERE received_at < NOW(6) - INTERVAL ? SECOND LIMIT ?",
                       {retention_seconds, kDeleteChunk})
              .affected_rows;
        });
      } while (deleted == static_cast<std::uint64_t>(kDeleteChunk));
    } catch (const std::exception& e) {
      log::Warn("could not delete old inbox rows", {{"error", e.what()}});
    }
  }
};

InboxConsumer::InboxConsumer(db::Pool& pool, Options options, const std::string& service,
                             InboxHandler handler, Relay* relay) {
  ServiceQueue queue = options.topology.QueueOf(service);
  shared_ = std::make_unique<Shared>(pool, std::move(options), std::move(queue), std::move(handler),
                                     counters_, relay);
  Shared& shared = *shared_;
  for (int i = 0; i < shared.options.consumer_workers; ++i) {
    auto setup = [&shared](detail::AmqpConnection& amqp) {
      amqp.DeclareTopology(shared.options.topology);
      amqp.Qos(shared.options.prefetch);
      amqp.Consume(shared.queue.name, /*exclusive=*/false);
    };
    auto process = [&shared](detail::AmqpConnection& amqp, std::vector<detail::Delivery>&& deliveries,
                             const std::stop_token& stop) {
      shared.ProcessBatch(amqp, std::move(deliveries), stop);
    };
    detail::ConsumeWorker::Tick tick;
    if (i == 0) {
      tick = [&shared](detail::AmqpConnection& amqp) {
        shared.DeleteOldInboxRows();
        shared.CountQueues(amqp);
      };
    }
    workers_.push_back(std::make_unique<detail::ConsumeWorker>(
        shared.options, "consumer " + shared.queue.name + " #" + std::to_string(i + 1), setup, process, tick,
        static_cast<std::size_t>(shared.options.inbox_batch)));
  }
}

InboxConsumer::~InboxConsumer() = default;

const ServiceQueue& InboxConsumer::Queue() const noexcept { return shared_->queue; }

bool InboxConsumer::Connected() const noexcept {
  for (const auto& worker : workers_) {
    if (!worker->Connected()) return false;
  }
  return !workers_.empty();
}

}  // namespace bookstore::bus
