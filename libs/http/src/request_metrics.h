#pragma once
// The server's own request metrics: a latency histogram per (route pattern, method, status), recorded
// into a shard per network thread (no contention; the mutex only meets a scrape) and merged when
// rendered.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "bookstore/http/message.h"
#include "internal.h"

namespace bookstore::http::detail {

constexpr std::array<double, 13> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                          0.25,  0.5,    1.0,   2.5,  5.0,   10.0};

struct Histogram {
  std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative; rendered cumulatively
  std::uint64_t count = 0;
  double sum = 0;

  void Observe(double seconds) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      if (seconds <= kBuckets.at(i)) {
        ++buckets.at(i);
        break;
      }
    }
    ++count;
    sum += seconds;
  }
  void Merge(const Histogram& other) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) buckets.at(i) += other.buckets.at(i);
    count += other.count;
    sum += other.sum;
  }
};

struct SeriesKey {
  const detail::Route* route;
  Verb method;
  unsigned status;
  bool operator==(const SeriesKey&) const = default;
};

struct SeriesKeyHash {
  std::size_t operator()(const SeriesKey& k) const noexcept {
    auto h = std::hash<const void*>()(k.route);
    h ^= (static_cast<std::size_t>(k.method) << 16) ^ (static_cast<std::size_t>(k.status) << 24);
    return h;
  }
};

// One per network thread, so recording never contends (the mutex only meets a scrape).
struct MetricsShard {
  std::mutex mutex;
  std::unordered_map<SeriesKey, Histogram, SeriesKeyHash> series;

  void Record(const SeriesKey& key, double seconds) {
    std::lock_guard lock(mutex);
    series[key].Observe(seconds);
  }
};

}  // namespace bookstore::http::detail
