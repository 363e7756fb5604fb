#include <cmath>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include "bookstore/http/metrics.h"

namespace bookstore::http {
namespace {

enum class Type { kCounter, kGauge };

struct Series {
  std::string labels;  // rendered "{a=\"b\"}" or ""
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::function<double()> read;
};

struct Family {
  std::string name;
  std::string help;
  Type type;
  std::vector<Series> series;
};

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace

namespace detail {

std::string FormatLabels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (const auto& [key, value] : labels) {
    if (out.size() > 1) out += ',';
    out += key;
    out += "=\"";
    for (char c : value) {
      if (c == '\\') out += "\\\\";
      else if (c == '"') out += "\\\"";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", value);
  return buf;
}

}  // namespace detail

struct MetricsRegistry::Impl {
  mutable std::mutex mutex;
  std::vector<std::unique_ptr<Family>> families;

  Family& FamilyFor(const std::string& name, const std::string& help, Type type) {
    if (!ValidName(name)) throw std::invalid_argument("invalid metric name '" + name + "'");
    for (auto& f : families) {
      if (f->name != name) continue;
      if (f->type != type) throw std::invalid_argument("metric '" + name + "' registered with another type");
      return *f;
    }
    families.push_back(std::make_unique<Family>(Family{name, help, type, {}}));
    return *families.back();
  }

  Series& SeriesFor(Family& family, const Labels& labels) {
    const auto rendered = detail::FormatLabels(labels);
    for (auto& s : family.series) {
      if (s.labels == rendered) return s;
    }
    family.series.push_back(Series{rendered, nullptr, nullptr, nullptr});
    return family.series.back();
  }
};

MetricsRegistry::MetricsRegistry() : impl_(std::make_unique<Impl>()) {}
MetricsRegistry::~MetricsRegistry() = default;

Counter& MetricsRegistry::AddCounter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(impl_->mutex);
  auto& series = impl_->SeriesFor(impl_->FamilyFor(name, help, Type::kCounter), labels);
  if (!series.counter) series.counter = std::make_unique<Counter>();
  return *series.counter;
}

Gauge& MetricsRegistry::AddGauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(impl_->mutex);
  auto& series = impl_->SeriesFor(impl_->FamilyFor(name, help, Type::kGauge), labels);
  if (series.read) throw std::invalid_argument("gauge '" + name + "' is already a gauge function");
  if (!series.gauge) series.gauge = std::make_unique<Gauge>();
  return *series.gauge;
}

void MetricsRegistry::AddGaugeFunction(const std::string& name, const std::string& help,
                                       std::function<double()> read, const Labels& labels) {
  std::lock_guard lock(impl_->mutex);
  auto& series = impl_->SeriesFor(impl_->FamilyFor(name, help, Type::kGauge), labels);
  if (series.gauge) throw std::invalid_argument("gauge '" + name + "' is already a plain gauge");
  series.read = std::move(read);
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(impl_->mutex);
  std::string out;
  for (const auto& f : impl_->families) {
    out += "# HELP " + f->name + " " + EscapeHelp(f->help) + "\n";
    out += "# TYPE " + f->name + (f->type == Type::kCounter ? " counter\n" : " gauge\n");
    for (const auto& s : f->series) {
      double value = 0;
      if (s.counter) value = s.counter->Value();
      else if (s.gauge) value = s.gauge->Value();
      else if (s.read) {
        try {
          value = s.read();
        } catch (const std::exception&) {
          value = std::nan("");
        }
      }
      out += f->name + s.labels + " " + detail::FormatMetricValue(value) + "\n";
    }
  }
  return out;
}

MetricsRegistry& Metrics() {
  static MetricsRegistry registry;
  return registry;
}

}  // namespace bookstore::http
