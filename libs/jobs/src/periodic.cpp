#include "bookstore/jobs/periodic.h"

#include <exception>
#include <utility>

#include "bookstore/log/log.h"

namespace bookstore::jobs {

Periodic::Periodic(std::string job, std::chrono::milliseconds interval, std::function<void()> round,
                   FirstRound first)
    : job_(std::move(job)),
      interval_(interval),
      round_(std::move(round)),
      first_(first),
      thread_([this](const std::stop_token& stop) { Run(stop); }) {}

Periodic::~Periodic() {
  thread_.request_stop();
  wake_.notify_all();
}

void Periodic::Run(const std::stop_token& stop) {
  if (first_ == FirstRound::kAfterInterval && !Wait(stop)) {
    return;
  }
  do {
    RunRound();
  } while (Wait(stop));
}

void Periodic::RunRound() {
  try {
    round_();
  } catch (const std::exception& e) {
    log::Warn("background job failed; trying again later",
              {{"job", job_}, {"error", e.what()}, {"retry_in_ms", interval_.count()}});
  }
}

bool Periodic::Wait(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, stop, interval_, [] { return false; });  // only a stop cuts the wait short
  return !stop.stop_requested();
}

}  // namespace bookstore::jobs
