#pragma once
// Process-wide metrics in the Prometheus text format, served by every Server at GET /metrics together
// with the server's own request metrics:
//   http_requests_total{method,route,status}                      counter
//   http_request_duration_seconds{method,route,status}            histogram
//   http_connections_open, http_streams_open                      gauges
// Requests that matched no route are labelled route="unmatched" (never the raw path: bounded cardinality).
//
// A component registers its own metrics once at start-up and keeps the returned references:
//   auto& published = http::Metrics().AddCounter("bus_published_total", "Events published", {{"type", "x"}});
//   published.Inc();
// Counter and Gauge updates are lock-free and thread-safe. A gauge function reads something the component
// owns, so its registration has an owner too: the returned GaugeRegistration unregisters it when destroyed
// (keep it next to what the function reads, e.g. as a member declared after it):
//   registration_ = http::Metrics().AddGaugeFunction("db_pool_idle", "Idle DB connections",
//                                                    [this] { return Idle(); });
// Once the registration is gone the function is never called again (not even by a scrape in progress:
// unregistering waits for it).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bookstore::http {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc(double by = 1.0) { value_.fetch_add(by, std::memory_order_relaxed); }
  [[nodiscard]] double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  [[nodiscard]] double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class MetricsRegistry;

// Owns one gauge function's place in a registry (see above). Movable; an empty one owns nothing.
class [[nodiscard]] GaugeRegistration {
 public:
  GaugeRegistration() = default;
  ~GaugeRegistration() { Reset(); }
  GaugeRegistration(GaugeRegistration&& other) noexcept;
  GaugeRegistration& operator=(GaugeRegistration&& other) noexcept;
  GaugeRegistration(const GaugeRegistration&) = delete;
  GaugeRegistration& operator=(const GaugeRegistration&) = delete;

  // Unregisters now.
  void Reset();

 private:
  friend class MetricsRegistry;
  GaugeRegistration(MetricsRegistry* registry, std::uint64_t id) : registry_(registry), id_(id) {}

  MetricsRegistry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The same name and labels return the same metric. Names must match [a-zA-Z_:][a-zA-Z0-9_:]*;
  // throws std::invalid_argument otherwise or when the name is already used by another metric type.
  Counter& AddCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& AddGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  // A gauge computed at each scrape (keep the function fast and thread-safe), until the returned
  // registration is destroyed. Registered again for the same name and labels while the first is alive,
  // the newer function answers until its registration goes (e.g. a test's second instance).
  GaugeRegistration AddGaugeFunction(const std::string& name, const std::string& help,
                                     std::function<double()> read, const Labels& labels = {});
  // The same for a counter that a component keeps itself (it must only grow), e.g. a library's stats.
  GaugeRegistration AddCounterFunction(const std::string& name, const std::string& help,
                                       std::function<double()> read, const Labels& labels = {});

  // Every registered metric in the Prometheus text exposition format (version 0.0.4).
  [[nodiscard]] std::string Render() const;

 private:
  friend class GaugeRegistration;
  void RemoveGaugeFunction(std::uint64_t id);
  GaugeRegistration AddFunction(bool counter, const std::string& name, const std::string& help,
                                std::function<double()> read, const Labels& labels);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The process-wide registry.
MetricsRegistry& Metrics();

// The usual process_* figures of this process, read from /proc at each call, in the text format:
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds, process_threads. Every Server's
// /metrics ends with them.
std::string RenderProcessMetrics();

namespace detail {
// Helpers shared with the server's request metrics.
std::string FormatLabels(const Labels& labels);
std::string FormatMetricValue(double value);
}  // namespace detail

}  // namespace bookstore::http
