#pragma once
// Structured logs: one JSON object per line on stdout with time, level, component, msg and any fields,
// e.g. {"time":"2026-11-27T17:00:00.123Z","level":"info","component":"auth","msg":"request",
// "request_id":"...","status":200}. Pass the request id as a field where there is one.

#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace bookstore::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the component name and minimum level ("debug", "info", "warn", "error"). Safe to call once at
// start-up; before it, logs go to stdout with component "unknown" at info.
void Init(std::string component, std::string_view level);

// Returns false (and leaves the level unchanged) for an unknown level name.
bool SetLevel(std::string_view level);

bool Enabled(Level level);

// How long a debug or info line may wait in stdout's buffer before it is written, so that a busy process
// writes its lines a few kilobytes at a time instead of one write(2) per line (the gateway's access log
// line per request halved its cache hits per second on this machine: docs/performance.md). Warnings and
// errors never wait: each is written at once, with every line before it, in order. Zero (the default
// until this is called) writes every line at once. Whole seconds: spdlog's flusher ticks in seconds.
// Call once, at start-up (service::Main does, from LOG_FLUSH_INTERVAL).
void SetFlushInterval(std::chrono::seconds interval);

// Writes every line still waiting (at exit; also done by the C library's exit()).
void Flush();

void Write(Level level, std::string_view msg, const boost::json::object& fields = {});

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

}  // namespace bookstore::log
