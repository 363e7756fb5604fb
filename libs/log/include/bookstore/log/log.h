#pragma once
// Structured logs: one JSON object per line on stdout with time, level, component, msg and any fields,
// e.g. {"time":"2026-11-27T17:00:00.123Z","level":"info","component":"auth","msg":"request",
// "request_id":"...","status":200}. Pass the request id as a field where there is one.

#include <boost/json/object.hpp>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace bookstore::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the component name and minimum level ("debug", "info", "warn", "error"). Safe to call once at
// start-up; before it, logs go to stdout with component "unknown" at info.
void Init(std::string component, std::string_view level);

// Returns false (and leaves the level unchanged) for an unknown level name.
bool SetLevel(std::string_view level);

bool Enabled(Level level);

// How long a debug or info line may wait in the log's buffer before it is written, so that a busy process
// writes its lines up to 64 KiB at a time (whole lines) instead of one write(2) per line (the gateway's
// access log line per request halved its cache hits per second on this machine: docs/performance.md).
// Warnings and errors never wait: each is written at once, with every line before it, in order. Zero (the
// default until this is called) writes every line at once. Whole seconds: spdlog's flusher ticks in
// seconds. Call once, at start-up (service::Main does, from LOG_FLUSH_INTERVAL).
void SetFlushInterval(std::chrono::seconds interval);

// Writes every line still waiting (also done when the process exits normally).
void Flush();

void Write(Level level, std::string_view msg, const boost::json::object& fields = {});

// A field whose value is text or a number, held by reference (the caller keeps it alive for the call).
// Lines logged for every request (the access logs) are written from an array of these: building a
// boost::json::object instead costs a heap table and a copy of each longer text per line, a measurable
// part of a cache hit's cost (docs/performance.md, scenario 1).
class Field {
 public:
  Field() = default;
  Field(std::string_view key, std::string_view text) : key_(key), value_(text) {}
  template <std::integral Number>
  requires(!std::same_as<Number, bool>) Field(std::string_view key, Number number) : key_(key) {
    if constexpr (std::is_signed_v<Number>) {
      value_ = static_cast<std::int64_t>(number);
    } else {
      value_ = static_cast<std::uint64_t>(number);
    }
  }
  Field(std::string_view key, double number) : key_(key), value_(number) {}

  [[nodiscard]] std::string_view key() const { return key_; }
  // The value as JSON text, appended to `out` exactly as the same value in a boost::json::object is.
  void AppendValueTo(std::string& out) const;
  [[nodiscard]] boost::json::value ToJson() const;

 private:
  std::string_view key_;
  std::variant<std::string_view, std::int64_t, std::uint64_t, double> value_;
};

// The same line as Write with an object of the same fields, in the same order.
void Write(Level level, std::string_view msg, std::span<const Field> fields);

inline void Debug(std::string_view msg, const boost::json::object& fields = {}) {
  Write(Level::kDebug, msg, fields);
}
inline void Info(std::string_view msg, const boost::json::object& fields = {}) {
  Write(Level::kInfo, msg, fields);
}
inline void Warn(std::string_view msg, const boost::json::object& fields = {}) {
  Write(Level::kWarn, msg, fields);
}
inline void Error(std::string_view msg, const boost::json::object& fields = {}) {
  Write(Level::kError, msg, fields);
}

// Builds the line Write would print (exposed for tests).
std::string FormatLine(Level level, std::string_view component, std::string_view msg,
                       const boost::json::object& fields);
std::string FormatLine(Level level, std::string_view component, std::string_view msg,
                       std::span<const Field> fields);

}  // namespace bookstore::log
