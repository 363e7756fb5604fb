#include "jobs/periodic.h"

#include <exception>
#include <utility>

#include "bookstore/log/log.h"

namespace bookstore::orders::jobs {

Periodic::Periodic(std::string job, std::chrono::milliseconds interval, std::function<void()> round)
    : job_(std::move(job)),
      interval_(interval),
      round_(std::move(round)),
      thread_([this](const std::stop_token& stop) { Run(stop); }) {}

Periodic::~Periodic() {
  thread_.request_stop();
  wake_.notify_all();
}

void Periodic::Run(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    try {
      round_();
    } catch (const std::exception& e) {
      log::Warn("background job failed; trying again later",
                {{"job", job_}, {"error", e.what()}, {"retry_in_ms", interval_.count()}});
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, interval_, [] { return false; });  // only a stop cuts the wait short
  }
}

}  // namespace bookstore::orders::jobs
