#include <algorithm>
#include <string>

#include "bookstore/bus/outbox.h"
#include "bookstore/log/log.h"
#include "consume_worker.h"
#include "relay_registry.h"
#include "retention.h"

namespace bookstore::bus {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMarkChunk = 50;
// How often the relay counts its backlog for /metrics: a scrape every 15 s sees a figure a few seconds old.
constexpr std::chrono::seconds kCensusInterval{5};

// One statement text for every chunk (the connection caches prepared statements by text): short chunks
// repeat their last id.
const std::string& MarkSentSql() {
  static const std::string kSql = [] {
    std::string sql = "UPDATE bus_outbox SET sent_at = NOW(6) WHERE sent_at IS NULL AND id IN (";
    for (std::size_t i = 0; i < kMarkChunk; ++i) sql += i == 0 ? "?" : ",?";
    return sql + ")";
  }();
  return kSql;
}

void MarkSent(db::Connection& c, const std::vector<std::int64_t>& ids) {
  for (std::size_t start = 0; start < ids.size(); start += kMarkChunk) {
    db::ParamList params;
    for (std::size_t i = 0; i < kMarkChunk; ++i) {
      params.Add(db::Param{ids[std::min(start + i, ids.size() - 1)]});
    }
    c.Execute(MarkSentSql(), params);
  }
}

// The process's relays. Notify() is called with the mutex held, so a relay unregistered in its
// destructor is never woken afterwards.
struct Registry {
  std::mutex mutex;
  std::vector<Relay*> relays;
};

Registry& Relays() {
  static Registry registry;
  return registry;
}

}  // namespace

namespace detail {

void RegisterRelay(Relay& relay) {
  Registry& registry = Relays();
  std::lock_guard lock(registry.mutex);
  registry.relays.push_back(&relay);
}

void UnregisterRelay(Relay& relay) noexcept {
  Registry& registry = Relays();
  std::lock_guard lock(registry.mutex);
  std::erase(registry.relays, &relay);
}

void WakeRelays() noexcept {
  Registry& registry = Relays();
  std::lock_guard lock(registry.mutex);
  for (Relay* relay : registry.relays) relay->Notify();
}

}  // namespace detail

Relay::Relay(db::Pool& pool, Options options, RelayHooks hooks)
    : pool_(pool),
      options_(std::move(options)),
      hooks_(std::move(hooks)),
      publisher_(options_, "relay"),
      thread_([this](const std::stop_token& stop) { Run(stop); }) {
  detail::RegisterRelay(*this);
}

// Then the jthread member: request_stop (which wakes Wait) and join.
Relay::~Relay() { detail::UnregisterRelay(*this); }

void Relay::Notify() noexcept {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

bool Relay::Connected() const noexcept { return publisher_.Connected(); }

RelayStats Relay::Stats() const noexcept {
  return RelayStats{published_.load(), unroutable_.load(), failures_.load(), backlog_.load(),
                    oldest_unsent_seconds_.load()};
}

void Relay::Wait(const std::stop_token& stop, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, stop, timeout, [this] { return notified_; });
  notified_ = false;
}

void Relay::Run(const std::stop_token& stop) {
  auto backoff = options_.reconnect_backoff_min;
  auto next_cleanup = Clock::now();
  auto next_census = Clock::now();
  detail::OutageLog outage;
  const auto batch_size = static_cast<std::size_t>(options_.relay_batch_size);
  while (!stop.stop_requested()) {
    // Before publishing, so that a broker outage (which throws below) does not stop the count: a growing
    // backlog is what an operator wants to see then.
    if (Clock::now() >= next_census) {
      TakeCensus();
      next_census = Clock::now() + kCensusInterval;
    }
    try {
      publisher_.Connect();
      while (RelayBatch() == batch_size && !stop.stop_requested()) {
      }
      if (Clock::now() >= next_cleanup) {
        DeleteOldRows();
        next_cleanup = Clock::now() + detail::CleanupInterval(options_.outbox_retention);
      }
      if (outage.Recovered()) log::Info("outbox relay recovered");
      backoff = options_.reconnect_backoff_min;
      publisher_.KeepAlive();
      Wait(stop, options_.relay_poll_interval);
    } catch (const std::exception& e) {
      ++failures_;
      log::Write(outage.NextFailure(), "outbox relay round failed; retrying",
                 {{"error", e.what()}, {"retry_in_ms", backoff.count()}});
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, backoff, [] { return false; });  // Notify() must not cut the backoff short
      backoff = std::min(backoff * 2, options_.reconnect_backoff_max);
    }
  }
}

std::size_t Relay::RelayBatch() {
  return pool_.WithConnection([&](db::Connection& c) -> std::size_t {
    // Under REPEATABLE READ the claim would take gap locks on the end of the unsent range, exactly where
    // concurrent requests insert new rows, making every outbox::Add wait for the relay's round.
    detail::UseReadCommitted(c);
    db::Transaction tx(c);
    const auto rows = c.Query(
        "SELECT id, event_id, type, body, traceparent FROM bus_outbox WHERE sent_at IS NULL"
        " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
        {options_.relay_batch_size});
    if (rows.empty()) {
      tx.Commit();
      return 0;
    }
    std::vector<std::int64_t> ids;
    std::vector<OutgoingMessage> messages;
    ids.reserve(rows.size());
    messages.reserve(rows.size());
    for (const auto& row : rows) {
      ids.push_back(row.Int(0));
      messages.push_back(
          OutgoingMessage{row.String(2), row.String(1), row.String(3), row.OptString(4).value_or("")});
    }

    const auto outcomes = publisher_.Publish(messages);
    if (hooks_.before_mark_sent) hooks_.before_mark_sent(messages);

    std::vector<std::int64_t> sent;
    sent.reserve(rows.size());
    std::uint64_t unroutable = 0;
    std::string problem;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      const auto& message = messages[i];
      if (outcomes[i] == PublishOutcome::kConfirmed) {
        sent.push_back(ids[i]);
      } else if (outcomes[i] == PublishOutcome::kUnroutable &&
                 !options_.topology.HasDurableRoute(message.routing_key)) {
        sent.push_back(ids[i]);  // nobody subscribes to it right now: there is no one to tell
        ++unroutable;
      } else if (problem.empty()) {
        problem = "event " + message.message_id + " (" + message.routing_key + ") was " +
                  (outcomes[i] == PublishOutcome::kNacked ? "nacked by the broker"
                                                          : "unroutable although a service queue binds it");
      }
    }
    MarkSent(c, sent);
    tx.Commit();
    published_ += sent.size();
    unroutable_ += unroutable;
    if (!problem.empty()) {
      // A missing service queue means the topology was deleted under us: reconnecting redeclares it.
      publisher_.Disconnect();
      throw BrokerError(problem);
    }
    return rows.size();
  });
}

void Relay::TakeCensus() {
  try {
    pool_.WithConnection([&](db::Connection& c) {
      // The unsent rows are the front of the (sent_at, id) index: a short range, not a table scan.
      const auto rows = c.Query(
          "SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(6)), 0)"
          " FROM bus_outbox WHERE sent_at IS NULL");
      backlog_ = rows.at(0).Int(0);
      oldest_unsent_seconds_ = static_cast<double>(rows.at(0).Int(1)) / 1e6;
    });
  } catch (const std::exception& e) {
    log::Debug("outbox census failed", {{"error", e.what()}});
  }
}

void Relay::DeleteOldRows() {
  detail::DeleteInChunks(pool_, "DELETE FROM bus_outbox WHERE sent_at < NOW(6) - INTERVAL ? SECOND LIMIT ?",
                         options_.outbox_retention);
}

}  // namespace bookstore::bus
