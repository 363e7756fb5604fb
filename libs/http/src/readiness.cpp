#include "readiness.h"

#include <algorithm>
#include <exception>
#include <utility>

namespace bookstore::http::detail {
namespace {

constexpr std::chrono::milliseconds kRetryWhileNotReady{20};

std::string RunCheck(const std::function<bool()>& check) {
  try {
    return check() ? "ok" : "failed";
  } catch (const std::exception& e) {
    return std::string("failed: ") + e.what();
  } catch (...) {
    return "failed";
  }
}

}  // namespace

ReadinessMonitor::ReadinessMonitor(std::chrono::milliseconds interval, std::chrono::milliseconds timeout)
    : interval_(interval), timeout_(timeout) {}

ReadinessMonitor::~ReadinessMonitor() { Stop(); }

void ReadinessMonitor::Add(std::string name, std::function<bool()> check) {
  Check added;
  added.name = std::move(name);
  added.run = std::move(check);
  checks_.push_back(std::move(added));
}

void ReadinessMonitor::Start() {
  if (checks_.empty() || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void ReadinessMonitor::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReadinessMonitor::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    bool all_ok = true;
    for (Check& check : checks_) {
      check.running = true;
      check.started = Clock::now();
      lock.unlock();
      std::string result = RunCheck(check.run);  // without the lock: Read() goes on meanwhile
      lock.lock();
      check.running = false;
      check.result = std::move(result);
      all_ok = all_ok && check.result == "ok";
      if (stopping_) return;
    }
    // Until ready, look again soon: a component becomes ready (keys loaded, broker connected) at any
    // moment, and whoever waits for it (an orchestrator, a test) should not wait an interval more.
    wake_.wait_for(lock, all_ok ? interval_ : std::min(interval_, kRetryWhileNotReady),
                   [this] { return stopping_; });
  }
}

ReadinessMonitor::Reading ReadinessMonitor::Read() const {
  const std::lock_guard lock(mutex_);
  Reading reading;
  const auto now = Clock::now();
  for (const Check& check : checks_) {
    const bool hung = check.running && now - check.started > timeout_;
    const std::string& result = hung ? std::string("failed: timed out") : check.result;
    if (result != "ok") reading.ready = false;
    reading.checks[check.name] = result;
  }
  return reading;
}

}  // namespace bookstore::http::detail
