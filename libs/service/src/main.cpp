#include "bookstore/service/main.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

namespace bookstore::service {

LogSettings ReadLogSettings(config::Env& env) {
  LogSettings settings;
  settings.level = env.String("LOG_LEVEL", "info", "minimum log level: debug, info, warn or error");
  const auto interval = env.Duration("LOG_FLUSH_INTERVAL", std::chrono::seconds(1),
                                     "how long an info or debug log line may wait before it is written "
                                     "(warnings and errors never wait), rounded up to whole seconds; 0: "
                                     "every line at once");
  settings.flush_interval =
      std::chrono::ceil<std::chrono::seconds>(std::max(interval, std::chrono::milliseconds::zero()));
  return settings;
}

int RunReportingFailures(std::string_view component, const std::function<int()>& run) {
  try {
    return run();
  } catch (const std::invalid_argument& e) {
    // Also on stderr: the operator starting it by hand reads this first.
    std::cerr << component << ": " << e.what() << "\n";
    log::Error("invalid setting", {{"error", e.what()}});
    return 2;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    if (what.find("io_uring") != std::string::npos) {
      // The event loops' backend (cmake/Dependencies.cmake) cannot start: a seccomp profile that denies
      // io_uring (Docker's default from version 25) or kernel.io_uring_disabled.
      log::Error(std::string(component) + " failed: io_uring is not permitted here",
                 {{"error", what},
                  {"hint",
                   "allow io_uring (seccomp, sysctl kernel.io_uring_disabled=0) or build with "
                   "-DBOOKSTORE_ASIO_IO_URING=OFF (README, \"Event loop: io_uring\")"}});
      return 1;
    }
    log::Error(std::string(component) + " failed", {{"error", what}});
    return 1;
  }
}

}  // namespace bookstore::service
