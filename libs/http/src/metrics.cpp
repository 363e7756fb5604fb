#include "bookstore/http/metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <stdexcept>

namespace bookstore::http {
namespace {

enum class Type { kCounter, kGauge };

struct GaugeFunction {
  std::uint64_t id;
  std::function<double()> read;
};

struct Series {
  std::string labels;  // rendered "{a=\"b\"}" or ""
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::vector<GaugeFunction> reads;  // the registered functions, newest last: it answers
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
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
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
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
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
    return std::to_string(static_cast<std::int64_t>(value));
  }
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.9g", value);
  return buf.data();
}

}  // namespace detail

struct MetricsRegistry::Impl {
  mutable std::mutex mutex;
  std::vector<std::unique_ptr<Family>> families;
  std::uint64_t next_id = 1;

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
    family.series.push_back(Series{rendered, nullptr, nullptr, {}});
    return family.series.back();
  }
};

MetricsRegistry::MetricsRegistry() : impl_(std::make_unique<Impl>()) {}
MetricsRegistry::~MetricsRegistry() = default;

Counter& MetricsRegistry::AddCounter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(impl_->mutex);
  auto& series = impl_->SeriesFor(impl_->FamilyFor(name, help, Type::kCounter), labels);
  if (!series.reads.empty()) {
    throw std::invalid_argument("counter '" + name + "' is already a counter function");
  }
  if (!series.counter) series.counter = std::make_unique<Counter>();
  return *series.counter;
}

Gauge& MetricsRegistry::AddGauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(impl_->mutex);
  auto& series = impl_->SeriesFor(impl_->FamilyFor(name, help, Type::kGauge), labels);
  if (!series.reads.empty()) throw std::invalid_argument("gauge '" + name + "' is already a gauge function");
  if (!series.gauge) series.gauge = std::make_unique<Gauge>();
  return *series.gauge;
}

GaugeRegistration MetricsRegistry::AddGaugeFunction(const std::string& name, const std::string& help,
                                                    std::function<double()> read, const Labels& labels) {
  return AddFunction(/*counter=*/false, name, help, std::move(read), labels);
}

GaugeRegistration MetricsRegistry::AddCounterFunction(const std::string& name, const std::string& help,
                                                      std::function<double()> read, const Labels& labels) {
  return AddFunction(/*counter=*/true, name, help, std::move(read), labels);
}

GaugeRegistration MetricsRegistry::AddFunction(bool counter, const std::string& name, const std::string& help,
                                               std::function<double()> read, const Labels& labels) {
  std::lock_guard lock(impl_->mutex);
  auto& series =
      impl_->SeriesFor(impl_->FamilyFor(name, help, counter ? Type::kCounter : Type::kGauge), labels);
  if (series.gauge || series.counter) {
    throw std::invalid_argument("metric '" + name + "' is already a plain one");
  }
  const std::uint64_t id = impl_->next_id++;
  series.reads.push_back(GaugeFunction{id, std::move(read)});
  return {this, id};
}

void MetricsRegistry::RemoveGaugeFunction(std::uint64_t id) {
  std::lock_guard lock(impl_->mutex);  // waits for a scrape that may be calling the function
  for (auto& family : impl_->families) {
    for (auto s = family->series.begin(); s != family->series.end(); ++s) {
      const auto it =
          std::find_if(s->reads.begin(), s->reads.end(), [id](const auto& f) { return f.id == id; });
      if (it == s->reads.end()) continue;
      s->reads.erase(it);
      if (s->reads.empty() && !s->counter && !s->gauge) family->series.erase(s);
      return;
    }
  }
}

GaugeRegistration::GaugeRegistration(GaugeRegistration&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)), id_(std::exchange(other.id_, 0)) {}

GaugeRegistration& GaugeRegistration::operator=(GaugeRegistration&& other) noexcept {
  if (this != &other) {
    Reset();
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void GaugeRegistration::Reset() {
  if (registry_ != nullptr) registry_->RemoveGaugeFunction(id_);
  registry_ = nullptr;
  id_ = 0;
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(impl_->mutex);
  std::string out;
  for (const auto& f : impl_->families) {
    if (f->series.empty()) continue;  // its only gauge functions were unregistered
    out += "# HELP " + f->name + " " + EscapeHelp(f->help) + "\n";
    out += "# TYPE " + f->name + (f->type == Type::kCounter ? " counter\n" : " gauge\n");
    for (const auto& s : f->series) {
      double value = 0;
      if (s.counter) {
        value = s.counter->Value();
      } else if (s.gauge) {
        value = s.gauge->Value();
      } else if (!s.reads.empty()) {
        try {
          value = s.reads.back().read();
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
