#pragma once
// A background job: `round()` on a thread of its own, at once (or after one interval) and then every
// `interval`, from construction until destruction, which stops the thread at once (also mid-wait) and
// joins it. A round that throws is logged as a warning naming the job, and the next one runs on time: a
// job outlives an outage of what it uses.
//
//   jobs::Periodic sweeper("payment sweeper", std::chrono::seconds(5), [this] { SweepOnce(); });
//
// Declare it after everything `round` uses: it starts in the constructor and stops first.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace bookstore::jobs {

class Periodic {
 public:
  enum class FirstRound {
    kAtOnce,         // as the job starts
    kAfterInterval,  // the owner did the first round itself (e.g. before it was needed)
  };

  Periodic(std::string job, std::chrono::milliseconds interval, std::function<void()> round,
           FirstRound first = FirstRound::kAtOnce);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  void Run(const std::stop_token& stop);
  void RunRound();
  bool Wait(const std::stop_token& stop);  // one interval; false once stopped

  std::string job_;
  std::chrono::milliseconds interval_;
  std::function<void()> round_;
  FirstRound first_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: started once everything it uses exists
};

}  // namespace bookstore::jobs
