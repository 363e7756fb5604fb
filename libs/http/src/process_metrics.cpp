// process_* metrics as Prometheus' client libraries name them, read from Linux's /proc at each scrape.

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "bookstore/http/metrics.h"

namespace bookstore::http {
namespace {

// The fields of /proc/self/stat after the command name (which may hold spaces), so that field N of
// proc(5) is fields[N - 3].
std::vector<std::string> StatFields() {
  std::ifstream file("/proc/self/stat");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto end_of_name = text.rfind(')');
  if (end_of_name == std::string::npos) return {};
  std::istringstream rest(text.substr(end_of_name + 1));
  return {std::istream_iterator<std::string>(rest), std::istream_iterator<std::string>()};
}

double BootTimeSeconds() {
  std::ifstream file("/proc/stat");
  std::string key;
  double value = 0;
  while (file >> key) {
    if (key == "btime" && file >> value) return value;
    file.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

double OpenFds() {
  std::error_code ec;
  double count = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++count;
  }
  return count;
}

void Append(std::string& out, const char* name, const char* type, const char* help, double value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
         detail::FormatMetricValue(value) + "\n";
}

}  // namespace

std::string RenderProcessMetrics() {
  std::string out;
  const auto fields = StatFields();
  // proc(5): 14 utime, 15 stime (clock ticks), 20 num_threads, 22 starttime (ticks after boot),
  // 23 vsize (bytes), 24 rss (pages).
  if (fields.size() >= 22) {
    const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const auto field = [&](std::size_t n) { return std::stod(fields[n - 3]); };
    Append(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
           (field(14) + field(15)) / ticks);
    Append(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
           field(24) * static_cast<double>(sysconf(_SC_PAGESIZE)));
    Append(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", field(23));
    Append(out, "process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.", BootTimeSeconds() + field(22) / ticks);
    Append(out, "process_threads", "gauge", "Number of OS threads in the process.", field(20));
  }
  Append(out, "process_open_fds", "gauge", "Number of open file descriptors.", OpenFds());
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    Append(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
           static_cast<double>(limit.rlim_cur));
  }
  return out;
}

}  // namespace bookstore::http
