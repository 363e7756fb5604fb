#pragma once
// The main() of every component:
//
//   int main(int argc, char** argv) {
//     return bookstore::service::Main("catalog", argc, argv, catalog::ReadSettings, catalog::Run);
//   }
//
// Settings come from the environment (ReadSettings declares them; --help prints them, a missing or
// invalid one stops the process with exit 2), logs are JSON lines named after the component (LOG_LEVEL;
// info lines wait up to LOG_FLUSH_INTERVAL, 1 s, before they are written), then
// Run(settings) runs until the server drained. What escapes Run: a std::invalid_argument is a setting only
// the component could judge (a malformed URL, key or CIDR range): exit 2; anything else is logged as
// "<component> failed": exit 1.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "bookstore/config/env.h"
#include "bookstore/log/log.h"

namespace bookstore::service {

// In a build on io_uring (BOOKSTORE_ASIO_IO_URING, README "Event loop: io_uring"): when this process cannot
// open an io_uring ring (a seccomp profile that denies it, as Docker Engine 25 and later do by default;
// kernel.io_uring_disabled; the locked-memory limit) and an epoll build of the same program lies next to
// it as "<this executable>-epoll" (the images carry one), replaces this process with that build, same
// arguments and environment, and says so in the log. Otherwise returns: a process without a ring stops at
// start-up with the reason and a hint. Nothing in an epoll build.
void RunOnEpollWhenIoUringIsUnavailable(const char* component, char** argv);

// Runs `run`, reporting what escapes it as above; its exit code otherwise.
int RunReportingFailures(std::string_view component, const std::function<int()>& run);

// LOG_LEVEL and LOG_FLUSH_INTERVAL (log::SetFlushInterval), declared for every component.
struct LogSettings {
  std::string level;
  std::chrono::seconds flush_interval{1};
};
LogSettings ReadLogSettings(config::Env& env);

template <typename ReadSettings, typename RunService>
int Main(const char* component, int argc, char** argv, ReadSettings read_settings, RunService run) {
  RunOnEpollWhenIoUringIsUnavailable(component, argv);
  config::Env env(component, argc, argv);
  const LogSettings logs = ReadLogSettings(env);
  const auto settings = read_settings(env);
  env.Finish();
  log::Init(component, logs.level);
  log::SetFlushInterval(logs.flush_interval);
  const int code = RunReportingFailures(component, [&] { return run(settings); });
  log::Flush();
  return code;
}

}  // namespace bookstore::service
