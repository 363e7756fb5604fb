#include <algorithm>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bookstore/bus/consumer.h"
#include "bookstore/bus/outbox.h"
#include "bookstore/log/log.h"
#include "consume_worker.h"
#include "retention.h"

namespace bookstore::bus {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxDeadlockReruns = 5;

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

// Thrown by the wrapper of a per-event InboxHandler: which event of its call failed (and why), so that the
// consumer fails that one alone and runs the others again as one batch. A batch handler cannot say.
class EventFailed : public std::runtime_error {
 public:
  EventFailed(std::size_t index, const std::string& error) : std::runtime_error(error), index_(index) {}
  [[nodiscard]] std::size_t Index() const noexcept { return index_; }

 private:
  std::size_t index_;
};

}  // namespace

struct InboxConsumer::Shared {
  Shared(db::Pool& pool_in, Options options_in, ServiceQueue queue_in, InboxBatchHandler handler_in,
         ConsumerCounters& counters_in)
      : pool(pool_in),
        options(std::move(options_in)),
        queue(std::move(queue_in)),
        handler(std::move(handler_in)),
        counters(counters_in) {}

  db::Pool& pool;
  Options options;
  ServiceQueue queue;
  InboxBatchHandler handler;
  ConsumerCounters& counters;
  std::mutex cleanup_mutex;
  Clock::time_point next_cleanup = Clock::now();
  Clock::time_point next_queue_count = Clock::now();  // worker 0's thread only

  // Records the events in the inbox in one statement; returns, for each, whether it is new. IGNORE skips
  // the ids already there (also the second copy of an id twice in `events`) and RETURNING names the rows
  // it inserted. It could also turn a value too long for its column into a warning, but ParseEvent
  // admits only ids and types that fit. An id another transaction inserted and has not committed yet
  // waits for that transaction, as a duplicate-key error would.
  static std::vector<Outcome> ClaimInbox(db::Connection& c, std::span<const Event> events) {
    db::ParamList params;
    for (const Event& event : events) {
      params.Add(db::Param{event.id});
      params.Add(db::Param{event.type});
    }
    std::vector<std::string> inserted;
    for (const db::Row& row : c.Query("INSERT IGNORE INTO bus_inbox (event_id, type) VALUES " +
                                          db::Placeholders(events.size(), "(?, ?)") + " RETURNING event_id",
                                      params)) {
      inserted.push_back(row.String(0));
    }
    std::vector<Outcome> outcomes;
    outcomes.reserve(events.size());
    for (const Event& event : events) {
      const auto found = std::find(inserted.begin(), inserted.end(), event.id);
      if (found == inserted.end()) {
        outcomes.push_back(Outcome::kDuplicate);
      } else {
        outcomes.push_back(Outcome::kHandled);
        inserted.erase(found);  // a second copy in the same batch is a duplicate
      }
    }
    return outcomes;
  }

  // Inside the caller's transaction: the inbox rows and the handler's effects commit together, or
  // neither does. Events handled before are left out of the handler's call.
  std::vector<Outcome> HandleAll(db::Connection& c, std::span<const Event> events) {
    std::vector<Outcome> outcomes = ClaimInbox(c, events);
    const auto fresh =
        static_cast<std::size_t>(std::count(outcomes.begin(), outcomes.end(), Outcome::kHandled));
    if (fresh == events.size()) {
      handler(events, c);
    } else if (fresh > 0) {
      std::vector<Event> new_events;
      std::vector<std::size_t> positions;  // of each new event in `events`
      new_events.reserve(fresh);
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (outcomes[i] == Outcome::kHandled) {
          new_events.push_back(events[i]);
          positions.push_back(i);
        }
      }
      try {
        handler(new_events, c);
      } catch (const EventFailed& e) {
        throw EventFailed(positions.at(e.Index()), e.what());
      }
    }
    return outcomes;
  }

  std::vector<Outcome> HandleInTransaction(std::span<const Event> events) {
    return pool.WithConnection([&](db::Connection& c) {
      db::Transaction tx(c);
      std::vector<Outcome> outcomes = HandleAll(c, events);
      tx.Commit();
      return outcomes;
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

  // Deliveries and their events side by side: a run of them is a span of events for the handler.
  struct Batch {
    std::vector<detail::Delivery> deliveries;
    std::vector<Event> events;
  };

  enum class BatchFailure { kNone, kHandler, kRetryable, kOutage };

  struct BatchResult {
    BatchFailure failure = BatchFailure::kNone;
    std::vector<Outcome> outcomes;      // when committed: one per event
    std::optional<std::size_t> failed;  // kHandler: the event at fault, when the handler could say
    std::string error;
  };

  // The events of [first, last) in one transaction: one commit (and one flush of the redo log) instead
  // of one per event. Nothing is written unless all of them go through.
  BatchResult RunBatch(const Batch& batch, std::size_t first, std::size_t last) {
    BatchResult result;
    try {
      result.outcomes = HandleInTransaction(std::span(batch.events).subspan(first, last - first));
    } catch (const EventFailed& e) {
      result.failure = BatchFailure::kHandler;
      result.failed = first + e.Index();
      result.error = e.what();
    } catch (const db::Error& e) {
      result.failure = IsDatabaseOutage(e) ? BatchFailure::kOutage
                       : e.IsRetryable()   ? BatchFailure::kRetryable
                                         : BatchFailure::kHandler;  // a constraint, say: the handler's doing
      result.error = e.what();
    } catch (const std::exception& e) {
      result.failure = BatchFailure::kHandler;
      result.error = e.what();
    } catch (...) {
      result.failure = BatchFailure::kHandler;
      result.error = "unknown exception";
    }
    return result;
  }

  void ProcessBatch(detail::AmqpConnection& amqp, std::vector<detail::Delivery>&& deliveries,
                    const std::stop_token& stop) {
    Batch batch;
    batch.deliveries.reserve(deliveries.size());
    batch.events.reserve(deliveries.size());
    for (auto& delivery : deliveries) {
      if (auto event = ParseOrReject(amqp, delivery)) {
        batch.deliveries.push_back(std::move(delivery));
        batch.events.push_back(std::move(*event));
      }
    }
    Settle(amqp, batch, 0, batch.events.size(), stop);
  }

  // Handles the events of [first, last) and acknowledges them. Runs of events are settled in delivery
  // order, so when a run is acknowledged every earlier delivery of the channel has been settled.
  void Settle(detail::AmqpConnection& amqp, const Batch& batch, std::size_t first, std::size_t last,
              const std::stop_token& stop) {
    if (first == last || stop.stop_requested()) return;  // the rest go back to the queue with the connection
    if (last - first == 1) {
      Process(amqp, batch.deliveries[first], batch.events[first], stop);
      return;
    }
    BatchResult result = RunBatch(batch, first, last);
    if (result.failure == BatchFailure::kRetryable) result = RunBatch(batch, first, last);  // once more
    if (result.failure == BatchFailure::kNone) {
      Acknowledge(amqp, batch, first, last, result.outcomes);
      return;
    }
    if (result.failure == BatchFailure::kHandler && result.failed) {
      // That event failed once, exactly as on its own; the others go again without it.
      const std::size_t failed = *result.failed;
      Fail(amqp, batch.deliveries[failed], batch.events[failed], result.error);
      Settle(amqp, batch, first, failed, stop);
      Settle(amqp, batch, failed + 1, last, stop);
      return;
    }
    if (result.failure == BatchFailure::kHandler) {
      // Halves until the event at fault is alone: it fails as it would on its own, the others commit.
      const std::size_t middle = first + (last - first) / 2;
      Settle(amqp, batch, first, middle, stop);
      Settle(amqp, batch, middle, last, stop);
      return;
    }
    log::Debug("a batch of events failed; handling them one by one",
               {{"queue", queue.name}, {"events", last - first}, {"error", result.error}});
    for (std::size_t i = first; i < last && !stop.stop_requested(); ++i) {
      Process(amqp, batch.deliveries[i], batch.events[i], stop);
    }
  }

  void Acknowledge(detail::AmqpConnection& amqp, const Batch& batch, std::size_t first, std::size_t last,
                   const std::vector<Outcome>& outcomes) {
    ++counters.transactions;
    // One frame for the run: every earlier delivery of the channel is settled (Settle goes in delivery
    // order, and a worker takes its next batch only once this one is done), so "up to the last tag" is
    // exactly this run.
    amqp.Ack(batch.deliveries[last - 1].delivery_tag, /*multiple=*/true);
    for (std::size_t i = first; i < last; ++i) Count(batch.events[i], outcomes[i - first]);
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
        outcome = HandleInTransaction(std::span(&event, 1)).front();
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
      next_cleanup = Clock::now() + detail::CleanupInterval(options.inbox_retention);
    }
    try {
      detail::DeleteInChunks(pool,
                             "DELETE FROM bus_inbox WHERE received_at < NOW(6) - INTERVAL ? SECOND LIMIT ?",
                             options.inbox_retention);
    } catch (const std::exception& e) {
      log::Warn("could not delete old inbox rows", {{"error", e.what()}});
    }
  }
};

InboxConsumer::InboxConsumer(db::Pool& pool, Options options, const std::string& service,
                             InboxHandler handler)
    : InboxConsumer(
          pool, std::move(options), service,
          InboxBatchHandler([handler = std::move(handler)](std::span<const Event> events, db::Connection& c) {
            for (std::size_t i = 0; i < events.size(); ++i) {
              try {
                handler(events[i], c);
              } catch (const db::Error& e) {
                if (e.IsRetryable() || IsDatabaseOutage(e)) throw;  // the batch's trouble, not this event's
                throw EventFailed(i, e.what());
              } catch (const std::exception& e) {
                throw EventFailed(i, e.what());
              } catch (...) {
                throw EventFailed(i, "unknown exception");
              }
            }
          })) {}

InboxConsumer::InboxConsumer(db::Pool& pool, Options options, const std::string& service,
                             InboxBatchHandler handler) {
  ServiceQueue queue = options.topology.QueueOf(service);
  shared_ =
      std::make_unique<Shared>(pool, std::move(options), std::move(queue), std::move(handler), counters_);
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
