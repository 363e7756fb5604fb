#pragma once
// How many CPUs this process may use, for sizing its thread pools (network threads, password hashing).
//
// std::thread::hardware_concurrency() counts the machine's CPUs. A Swarm replica runs with a CPU quota
// (deploy/swarm/docker-stack.yml: `limits: cpus`), and more busy threads than its quota only take turns
// at it, each sleeping out the rest of the period once the quota is spent (CFS throttling). So the count
// here is the CPUs of the affinity mask, bounded by the quota of the cgroup the container sees as its
// own, rounded up: the number of threads that can run at once without being throttled.

#include <optional>
#include <string_view>

namespace bookstore::config {

// The CPUs this process may use: at least 1.
int UsableCpus();

// The CPUs a quota allows, rounded up; nullopt when it sets no limit. From cgroup v2's cpu.max
// ("<quota> <period>", quota "max" for none) ...
std::optional<int> CpusOfCgroup2Max(std::string_view cpu_max);
// ... and from cgroup v1's cpu.cfs_quota_us ("-1" for none) and cpu.cfs_period_us.
std::optional<int> CpusOfCgroup1Quota(std::string_view quota_us, std::string_view period_us);

}  // namespace bookstore::config
