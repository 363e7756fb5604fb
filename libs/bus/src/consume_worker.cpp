#include "consume_worker.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "bookstore/log/log.h"

namespace bookstore::bus::detail {
namespace {

// Short enough that a stop request is noticed quickly, long enough not to spin.
constexpr std::chrono::milliseconds kPollInterval{100};

}  // namespace

bool SleepFor(const std::stop_token& stop, std::chrono::milliseconds duration) {
  std::mutex mutex;
  std::condition_variable_any cv;
  std::unique_lock lock(mutex);
  cv.wait_for(lock, stop, duration, [] { return false; });
  return !stop.stop_requested();
}

bool PumpFor(AmqpConnection& connection, const std::stop_token& stop, std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (true) {
    connection.Pump();
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return !stop.stop_requested();
    if (!SleepFor(stop, std::min(left, kPollInterval))) return false;
  }
}

ConsumeWorker::ConsumeWorker(const Options& options, std::string role, Setup setup, Process process, Tick tick)
    : options_(options),
      role_(std::move(role)),
      setup_(std::move(setup)),
      process_(std::move(process)),
      tick_(std::move(tick)),
      thread_([this](const std::stop_token& stop) { Run(stop); }) {}

ConsumeWorker::~ConsumeWorker() = default;  // jthread requests stop and joins

void ConsumeWorker::Run(const std::stop_token& stop) {
  auto backoff = options_.reconnect_backoff_min;
  bool failing = false;
  while (!stop.stop_requested()) {
    try {
      AmqpConnection connection(options_, role_);
      setup_(connection);
      connected_ = true;
      if (failing) log::Info("consumer reconnected to RabbitMQ", {{"role", role_}});
      failing = false;
      backoff = options_.reconnect_backoff_min;
      while (!stop.stop_requested()) {
        if (auto delivery = connection.NextDelivery(kPollInterval)) process_(connection, std::move(*delivery), stop);
        if (tick_) tick_();
      }
      connected_ = false;
    } catch (const std::exception& e) {
      connected_ = false;
      // The first failure of an outage is a warning; the reconnection attempts that follow would repeat it.
      log::Write(failing ? log::Level::kDebug : log::Level::kWarn, "consumer lost RabbitMQ; reconnecting",
                 {{"role", role_}, {"error", e.what()}, {"retry_in_ms", backoff.count()}});
      failing = true;
      SleepFor(stop, backoff);
      backoff = std::min(backoff * 2, options_.reconnect_backoff_max);
    }
  }
}

}  // namespace bookstore::bus::detail
