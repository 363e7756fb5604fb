#include "bookstore/config/cpus.h"

#include <sched.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>

#include "parse.h"

namespace bookstore::config {
namespace {

// The cgroup a container sees at /sys/fs/cgroup is its own: with cgroup v2 (a private cgroup namespace,
// Docker's default there) and with v1 (Docker mounts the container's cgroup of each controller there).
// On a host the root cgroup, which has no quota.
constexpr const char* kCgroup2Max = "/sys/fs/cgroup/cpu.max";
constexpr const char* kCgroup1Quota = "/sys/fs/cgroup/cpu/cpu.cfs_quota_us";
constexpr const char* kCgroup1Period = "/sys/fs/cgroup/cpu/cpu.cfs_period_us";

std::optional<std::int64_t> ParseNumber(std::string_view text) {
  return detail::ParseInt(detail::Trim(text));
}

std::optional<int> CpusOf(std::int64_t quota, std::int64_t period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  return static_cast<int>(std::max<std::int64_t>(1, (quota + period - 1) / period));
}

int AffinityCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return count;
  }
  const unsigned machine = std::thread::hardware_concurrency();
  return machine > 0 ? static_cast<int>(machine) : 1;
}

std::optional<int> QuotaCpus() {
  if (const auto max = detail::ReadWholeFile(kCgroup2Max)) return CpusOfCgroup2Max(*max);
  const auto quota = detail::ReadWholeFile(kCgroup1Quota);
  const auto period = detail::ReadWholeFile(kCgroup1Period);
  if (quota && period) return CpusOfCgroup1Quota(*quota, *period);
  return std::nullopt;
}

}  // namespace

std::optional<int> CpusOfCgroup2Max(std::string_view cpu_max) {
  const std::string trimmed = detail::Trim(cpu_max);
  const std::string_view fields = trimmed;
  const auto space = fields.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto quota = ParseNumber(fields.substr(0, space));  // "max": no limit
  const auto period = ParseNumber(fields.substr(space + 1));
  if (!quota || !period) return std::nullopt;
  return CpusOf(*quota, *period);
}

std::optional<int> CpusOfCgroup1Quota(std::string_view quota_us, std::string_view period_us) {
  const auto quota = ParseNumber(quota_us);
  const auto period = ParseNumber(period_us);
  if (!quota || !period) return std::nullopt;
  return CpusOf(*quota, *period);
}

int UsableCpus() {
  const int affinity = AffinityCpus();
  const auto quota = QuotaCpus();
  return quota ? std::min(affinity, *quota) : affinity;
}

}  // namespace bookstore::config
