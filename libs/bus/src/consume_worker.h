#pragma once
// Internal: one consuming thread with its own AMQP connection, reconnecting with backoff.

#include <atomic>
#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "amqp_connection.h"
#include "bookstore/bus/options.h"
#include "bookstore/log/log.h"

namespace bookstore::bus::detail {

// During an outage: the first failure is worth a warning, the retries that follow only now and then.
class OutageLog {
 public:
  // The level for the next failure's log line.
  log::Level NextFailure();
  // Returns true when this ends an outage (worth an info line).
  bool Recovered();

 private:
  bool failing_ = false;
  std::chrono::steady_clock::time_point next_warning_{};
};

// Waits `duration` or until stop is requested; returns false when stopping.
bool SleepFor(const std::stop_token& stop, std::chrono::milliseconds duration);

// Waits like SleepFor while keeping `connection` alive (heartbeats, buffering deliveries).
bool PumpFor(AmqpConnection& connection, const std::stop_token& stop, std::chrono::milliseconds duration);

class ConsumeWorker {
 public:
  // Declares the queue, sets the prefetch and starts consuming on a fresh connection.
  using Setup = std::function<void(AmqpConnection&)>;
  // Handles the deliveries (one, or up to max_batch that were already waiting, in delivery order) and
  // acknowledges each. Only BrokerError may escape (the connection is then replaced and unacknowledged
  // deliveries return to the queue).
  using Process = std::function<void(AmqpConnection&, std::vector<Delivery>&&, const std::stop_token&)>;
  // Runs between deliveries (at least every 100 ms) with the worker's connection. Only BrokerError may
  // escape (as from Process).
  using Tick = std::function<void(AmqpConnection&)>;

  ConsumeWorker(const Options& options, std::string role, Setup setup, Process process, Tick tick = {},
                std::size_t max_batch = 1);
  ~ConsumeWorker();  // requests stop and joins
  ConsumeWorker(const ConsumeWorker&) = delete;
  ConsumeWorker& operator=(const ConsumeWorker&) = delete;

  [[nodiscard]] bool Connected() const noexcept { return connected_.load(); }

 private:
  void Run(const std::stop_token& stop);
  // The next delivery (waiting up to the poll interval) and those already waiting behind it.
  std::vector<Delivery> NextBatch(AmqpConnection& connection) const;

  const Options& options_;
  std::string role_;
  Setup setup_;
  Process process_;
  Tick tick_;
  std::size_t max_batch_;
  std::atomic<bool> connected_{false};
  std::jthread thread_;
};

}  // namespace bookstore::bus::detail
