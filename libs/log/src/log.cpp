#include "bookstore/log/log.h"

#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <variant>

#include "bookstore/json/json.h"

namespace bookstore::log {
namespace {

// stdout, a buffer of whole lines at a time: spdlog's stdout sinks flush after every line, which costs a
// write(2) per line; this one writes when the logger flushes (SetFlushInterval: warnings and errors at
// once, info lines within the interval) or when kBufferBytes of lines wait. Its own buffer rather than
// stdio's (4 KiB on a file or a pipe: a write per ~12 access log lines, about 2% of a proxied request's
// CPU) also means a write never ends in the middle of a line. The line is already JSON (FormatLine), so
// it goes out as it is, without spdlog's pattern formatter copying it once more.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static constexpr std::size_t kBufferBytes = 64 * 1024;

  BufferedStdoutSink() { pending_.reserve(kBufferBytes); }
  BufferedStdoutSink(const BufferedStdoutSink&) = delete;
  BufferedStdoutSink& operator=(const BufferedStdoutSink&) = delete;
  // The last lines of a process that exits normally (the logger lives until static destruction).
  ~BufferedStdoutSink() override { WritePending(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (pending_.size() + msg.payload.size() + 1 > kBufferBytes) WritePending();
    pending_.append(msg.payload.data(), msg.payload.size());
    pending_ += '\n';
  }
  void flush_() override { WritePending(); }

 private:
  // One write(2) for the whole buffer: through stdio, 64 KiB went out as three (its 4 KiB buffer filled,
  // the middle written past it, the rest at the flush).
  void WritePending() {
    if (pending_.empty()) return;
    std::fflush(stdout);  // whatever else was printed to stdout goes first
    std::string_view rest = pending_;
    while (!rest.empty()) {
      const ssize_t n = ::write(STDOUT_FILENO, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stdout closed or failing: the lines are dropped, as stdio drops them
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    pending_.clear();
  }

  std::string pending_;
};

struct State {
  std::string component = "unknown";
  std::atomic<int> min_level{static_cast<int>(Level::kInfo)};
  std::shared_ptr<spdlog::logger> logger;
};

State& GlobalState() {
  static State state;
  static std::once_flag once;
  std::call_once(once, [] {
    // spdlog does the locking, the levels and the periodic flush; the JSON line is built here.
    state.logger = std::make_shared<spdlog::logger>("bookstore", std::make_shared<BufferedStdoutSink>());
    state.logger->set_level(spdlog::level::trace);
    state.logger->flush_on(spdlog::level::trace);
  });
  return state;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

spdlog::level::level_enum SpdlogLevel(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// "2026-11-27T17:00:00.123Z" appended to `out`. The part up to the seconds changes once a second, so each
// thread keeps the last one it formatted: a busy process logs many lines per second. Plain arrays, not a
// std::string: a line logged by a static object's destructor at exit runs after thread_local strings die.
void AppendNowRfc3339(std::string& out) {
  constexpr std::size_t kDateAndTime = 19;  // "2026-11-27T17:00:00"
  thread_local std::time_t formatted_second = -1;
  thread_local std::array<char, kDateAndTime + 1> date_and_time{};
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now - secs).count();
  const std::time_t t = std::chrono::system_clock::to_time_t(secs);
  if (t != formatted_second) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    fmt::format_to_n(date_and_time.data(), kDateAndTime, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    formatted_second = t;
  }
  out.append(date_and_time.data(), kDateAndTime);
  out += '.';
  out += static_cast<char>('0' + millis / 100);
  out += static_cast<char>('0' + millis / 10 % 10);
  out += static_cast<char>('0' + millis % 10);
  out += 'Z';
}

std::string NowRfc3339() {
  std::string out;
  AppendNowRfc3339(out);
  return out;
}

}  // namespace

void Init(std::string component, std::string_view level) {
  auto& state = GlobalState();
  state.component = std::move(component);
  SetLevel(level);
}

bool SetLevel(std::string_view level) {
  auto& state = GlobalState();
  for (auto l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (LevelName(l) == level || (l == Level::kWarn && level == "warning")) {
      state.min_level = static_cast<int>(l);
      return true;
    }
  }
  return false;
}

bool Enabled(Level level) { return static_cast<int>(level) >= GlobalState().min_level.load(); }

void SetFlushInterval(std::chrono::seconds interval) {
  auto& state = GlobalState();
  if (interval.count() <= 0) {
    state.logger->flush_on(spdlog::level::trace);
    return;
  }
  state.logger->flush_on(spdlog::level::warn);
  // spdlog's periodic flusher flushes the loggers of its registry.
  if (!spdlog::get(state.logger->name())) {
    spdlog::register_logger(state.logger);
  }
  spdlog::flush_every(interval);
}

void Flush() { GlobalState().logger->flush(); }

namespace {

std::string_view KeyOf(const boost::json::key_value_pair& field) { return field.key(); }
std::string_view KeyOf(const Field& field) { return field.key(); }

// durations as 38.093, not 3.8093E1 (json::AppendTo)
void AppendValue(const boost::json::key_value_pair& field, std::string& out) {
  json::AppendTo(field.value(), out);
}
void AppendValue(const Field& field, std::string& out) { field.AppendValueTo(out); }

boost::json::value ValueOf(const boost::json::key_value_pair& field) { return field.value(); }
boost::json::value ValueOf(const Field& field) { return field.ToJson(); }

// One line from the fields of an object or of an array of Field: the same rules, the same bytes.
template <typename Fields>
std::string FormatLineOf(Level level, std::string_view component, std::string_view msg,
                         const Fields& fields) {
  constexpr std::array<std::string_view, 4> kStandardKeys = {"time", "level", "component", "msg"};
  const bool replaces_standard_key = std::any_of(fields.begin(), fields.end(), [&](const auto& field) {
    return std::find(kStandardKeys.begin(), kStandardKeys.end(), KeyOf(field)) != kStandardKeys.end();
  });
  if (replaces_standard_key) {
    // Rare: a field named like a standard key takes its place, as in an object.
    boost::json::object line;
    line["time"] = NowRfc3339();
    line["level"] = LevelName(level);
    line["component"] = component;
    line["msg"] = msg;
    for (const auto& field : fields) line[KeyOf(field)] = ValueOf(field);
    return json::Serialize(line);
  }
  // Written straight out, not built as another object first: an access log line per request.
  std::string line;
  line.reserve(320);
  line += R"({"time":")";
  AppendNowRfc3339(line);
  line += R"(","level":")";
  line += LevelName(level);
  line += R"(","component":)";
  json::AppendString(component, line);
  line += R"(,"msg":)";
  json::AppendString(msg, line);
  for (const auto& field : fields) {
    line += ',';
    json::AppendString(KeyOf(field), line);
    line += ':';
    AppendValue(field, line);
  }
  line += '}';
  return line;
}

void WriteLine(Level level, const std::string& line) { GlobalState().logger->log(SpdlogLevel(level), line); }

}  // namespace

void Field::AppendValueTo(std::string& out) const {
  if (const auto* text = std::get_if<std::string_view>(&value_)) {
    json::AppendString(*text, out);
  } else {
    json::AppendTo(ToJson(), out);  // a number: no allocation
  }
}

boost::json::value Field::ToJson() const {
  return std::visit([](auto value) { return boost::json::value(value); }, value_);
}

std::string FormatLine(Level level, std::string_view component, std::string_view msg,
                       const boost::json::object& fields) {
  return FormatLineOf(level, component, msg, fields);
}

std::string FormatLine(Level level, std::string_view component, std::string_view msg,
                       std::span<const Field> fields) {
  return FormatLineOf(level, component, msg, fields);
}

void Write(Level level, std::string_view msg, const boost::json::object& fields) {
  if (!Enabled(level)) return;
  WriteLine(level, FormatLine(level, GlobalState().component, msg, fields));
}

void Write(Level level, std::string_view msg, std::span<const Field> fields) {
  if (!Enabled(level)) return;
  WriteLine(level, FormatLine(level, GlobalState().component, msg, fields));
}

}  // namespace bookstore::log
