#include "consume_worker.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "bookstore/log/log.h"

namespace bookstore::bus::detail {
namespace {

// Short enough that a stop request is noticed quickly, long enough not to spin.
constexpr std::chrono::milliseconds kPollInterval{100};

constexpr std::chrono::minutes kRepeatWarningEvery{1};

}  // namespace

log::Level OutageLog::NextFailure() {
  failing_ = true;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_warning_) return log::Level::kDebug;
  next_warning_ = now + kRepeatWarningEvery;
  return log::Level::kWarn;
}

bool OutageLog::Recovered() {
  const bool was_failing = failing_;
  failing_ = false;
  next_warning_ = {};
  return was_failing;
}

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

ConsumeWorker::ConsumeWorker(const Options& options, std::string role, Setup setup, Process process,
                             Tick tick, std::size_t max_batch)
    : options_(options),
      role_(std::move(role)),
      setup_(std::move(setup)),
      process_(std::move(process)),
      tick_(std::move(tick)),
      max_batch_(std::max<std::size_t>(max_batch, 1)),
      thread_([this](const std::stop_token& stop) { Run(stop); }) {}

ConsumeWorker::~ConsumeWorker() = default;  // jthread requests stop and joins

std::vector<Delivery> ConsumeWorker::NextBatch(AmqpConnection& connection) const {
  std::vector<Delivery> batch;
  auto first = connection.NextDelivery(kPollInterval);
  if (!first) return batch;
  batch.push_back(std::move(*first));
  // Only what has already arrived: a batch never waits for more deliveries.
  while (batch.size() < max_batch_) {
    auto next = connection.NextDelivery(std::chrono::milliseconds(0));
    if (!next) break;
    batch.push_back(std::move(*next));
  }
  return batch;
}

void ConsumeWorker::Run(const std::stop_token& stop) {
  auto backoff = options_.reconnect_backoff_min;
  OutageLog outage;
  while (!stop.stop_requested()) {
    try {
      AmqpConnection connection(options_, role_);
      setup_(connection);
      connected_ = true;
      if (outage.Recovered()) log::Info("consumer reconnected to RabbitMQ", {{"role", role_}});
      backoff = options_.reconnect_backoff_min;
      while (!stop.stop_requested()) {
        if (auto batch = NextBatch(connection); !batch.empty()) process_(connection, std::move(batch), stop);
        if (tick_) tick_(connection);
      }
      connected_ = false;
    } catch (const std::exception& e) {
      connected_ = false;
      log::Write(outage.NextFailure(), "consumer lost RabbitMQ; reconnecting",
                 {{"role", role_}, {"error", e.what()}, {"retry_in_ms", backoff.count()}});
      SleepFor(stop, backoff);
      backoff = std::min(backoff * 2, options_.reconnect_backoff_max);
    }
  }
}

}  // namespace bookstore::bus::detail
