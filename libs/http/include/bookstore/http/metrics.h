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
//   http::Metrics().AddGaugeFunction("db_pool_idle", "Idle DB connections", [&] { return pool.Idle(); });
// Counter and Gauge updates are lock-free and thread-safe.

#include <atomic>
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
  // A gauge computed at each scrape (keep the function fast and thread-safe).
  void AddGaugeFunction(const std::string& name, const std::string& help, std::function<double()> read,
                        const Labels& labels = {});

  // Every registered metric in the Prometheus text exposition format (version 0.0.4).
  [[nodiscard]] std::string Render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The process-wide registry.
MetricsRegistry& Metrics();

namespace detail {
// Helpers shared with the server's request metrics.
std::string FormatLabels(const Labels& labels);
std::string FormatMetricValue(double value);
}  // namespace detail

}  // namespace bookstore::http
