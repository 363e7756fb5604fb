#pragma once
// The loop every background job of orders runs (jobs/payment_sweeper, jobs/order_census): `round()` on a
// thread of its own at once and then every `interval`, from construction until destruction, which stops
// the thread at once (also mid-wait) and joins it. A round that throws is logged as a warning naming the
// job, and the next one runs on time: a job outlives a database outage.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace bookstore::orders::jobs {

class Periodic {
 public:
  // Declare it after everything `round` uses: it starts in the constructor.
  Periodic(std::string job, std::chrono::milliseconds interval, std::function<void()> round);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  void Run(const std::stop_token& stop);

  std::string job_;
  std::chrono::milliseconds interval_;
  std::function<void()> round_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: started once everything it uses exists
};

}  // namespace bookstore::orders::jobs
