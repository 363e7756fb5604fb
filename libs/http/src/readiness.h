#pragma once
// The readiness checks of a Server, run in the background: each dependency's state is refreshed by a
// thread of its own every `interval`, and /readyz only reads the states. So a readiness probe never
// waits for a database or a broker, never competes with the requests for a pooled connection, and
// probes that arrive while a dependency hangs do not pile up checks behind it.

#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bookstore::http::detail {

class ReadinessMonitor {
 public:
  using Clock = std::chrono::steady_clock;

  // A check running longer than `timeout` reads as failed until it returns.
  ReadinessMonitor(std::chrono::milliseconds interval, std::chrono::milliseconds timeout);
  ~ReadinessMonitor();
  ReadinessMonitor(const ReadinessMonitor&) = delete;
  ReadinessMonitor& operator=(const ReadinessMonitor&) = delete;

  // Before Start(): true when ready; false or an exception (its message is shown) when not.
  void Add(std::string name, std::function<bool()> check);
  [[nodiscard]] bool Empty() const { return checks_.empty(); }

  // Runs every check at once, then every interval (every 20 ms while one is not ok), until Stop(). Stop()
  // waits for a running check (the checks read what their component owns: none may run once the server
  // stopped).
  void Start();
  void Stop();

  struct Reading {
    bool ready = true;
    boost::json::object checks;  // name -> "ok", "pending" (not checked yet) or "failed[: why]"
  };
  [[nodiscard]] Reading Read() const;

 private:
  struct Check {
    std::string name;
    std::function<bool()> run;
    std::string result = "pending";
    bool running = false;
    Clock::time_point started;
  };

  void Loop();

  const std::chrono::milliseconds interval_;
  const std::chrono::milliseconds timeout_;
  std::vector<Check> checks_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bookstore::http::detail
