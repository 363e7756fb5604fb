#include "bookstore/service/main.h"

#include <unistd.h>

#include <algorithm>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <chrono>
#include <exception>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#if defined(BOOKSTORE_ASIO_IO_URING)
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#endif

namespace bookstore::service {

namespace {

// What an operator can do when the event loop could not open its io_uring ring (Asio throws
// "io_uring_queue_init: ..." at start-up, README "Event loop: io_uring"); empty for any other failure.
std::string_view EventLoopHint(const std::exception& e) {
  const auto* error = dynamic_cast<const boost::system::system_error*>(&e);
  if (error == nullptr || !std::string_view(e.what()).starts_with("io_uring_queue_init")) return {};
  switch (error->code().value()) {
    case EPERM:
    case ENOSYS:
      return "io_uring is denied here (Docker Engine 25 and later deny it in their default seccomp profile; "
             "sysctl kernel.io_uring_disabled): allow it, or run a build with BOOKSTORE_ASIO_IO_URING=OFF "
             "(the images built from source carry one and switch to it by themselves)";
    case ENOMEM:
      return "the locked-memory limit (ulimit -l; one budget for all the processes of a uid on a host, and "
             "each ring takes 84 KiB of it) is used up: raise it, run fewer processes per uid, or run a "
             "build with BOOKSTORE_ASIO_IO_URING=OFF";
    default:
      return {};
  }
}

#if defined(BOOKSTORE_ASIO_IO_URING)
// Whether this process can open an io_uring ring as its event loops will (Asio opens one for an io_context's
// first socket or timer, of its own fixed size); the error when it cannot.
std::error_code IoUringRingError() {
  try {
    boost::asio::io_context context;
    boost::asio::steady_timer timer(context);
    return {};
  } catch (const boost::system::system_error& e) {
    return e.code();
  }
}

// Empty when /proc is not there to say.
std::string ThisExecutable() {
  std::error_code error;
  return std::filesystem::read_symlink("/proc/self/exe", error).string();
}
#endif

}  // namespace

void RunOnEpollWhenIoUringIsUnavailable([[maybe_unused]] const char* component,
                                        [[maybe_unused]] char** argv) {
#if defined(BOOKSTORE_ASIO_IO_URING)
  const std::error_code error = IoUringRingError();
  if (!error) return;
  const std::string self = ThisExecutable();
  if (self.empty()) return;
  const std::string epoll_build = self + "-epoll";
  if (::access(epoll_build.c_str(), X_OK) != 0) return;
  log::Init(component, "info");
  log::Warn("io_uring is unavailable here: running the epoll build",
            {{"error", error.message()}, {"build", epoll_build}});
  log::Flush();
  ::execv(epoll_build.c_str(), argv);
  log::Error("could not start the epoll build",
             {{"build", epoll_build}, {"error", std::generic_category().message(errno)}});
#endif
}

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
    boost::json::object fields{{"error", e.what()}};
    if (const std::string_view hint = EventLoopHint(e); !hint.empty()) fields["hint"] = hint;
    log::Error(std::string(component) + " failed", fields);
    return 1;
  }
}

}  // namespace bookstore::service
