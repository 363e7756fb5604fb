// The gateway's access log line per request (services/gateway/filters/access_log), formatted the way it
// is written now (log::Field on the stack) and, side by side, the way it was (a boost::json::object built
// per request): what one line costs a cache hit before it reaches the log's buffer; and the whole line
// through the logger into that buffer (AccessLineWritten).

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "bookstore/log/log.h"

namespace bookstore::log {
namespace {

// Typical values of one request: ids of 32 characters (longer than any small-string buffer).
constexpr std::string_view kRequestId = "0af7651916cd43dd8448eb211c80319c";
constexpr std::string_view kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kUpstream = "127.0.0.1:5262";
constexpr std::string_view kClientIp = "203.0.113.7";

// The fields of a cache hit's line, built per request as the access log filter builds them.
std::array<Field, 9> AccessLineFields() {
  return {{{"method", "GET"},
           {"path", "/books/4242"},
           {"status", 200U},
           {"upstream", kUpstream},
           {"duration_ms", 0.041},
           {"request_id", kRequestId},
           {"trace_id", kTraceId},
           {"client_ip", kClientIp},
           {"cache", "hit"}}};
}

void AccessLineFromFields(benchmark::State& state) {
  for (auto _ : state) {
    const auto fields = AccessLineFields();
    benchmark::DoNotOptimize(FormatLine(Level::kInfo, "gateway", "request", std::span<const Field>(fields)));
  }
}
BENCHMARK(AccessLineFromFields);

void AccessLineFromObject(benchmark::State& state) {
  for (auto _ : state) {
    const boost::json::object fields{
        {"method", "GET"},       {"path", "/books/4242"},  {"status", 200U},
        {"upstream", kUpstream}, {"duration_ms", 0.041},   {"request_id", kRequestId},
        {"trace_id", kTraceId},  {"client_ip", kClientIp}, {"cache", "hit"}};
    benchmark::DoNotOptimize(FormatLine(Level::kInfo, "gateway", "request", fields));
  }
}
BENCHMARK(AccessLineFromObject);

// stdout on /dev/null while AccessLineWritten runs (lines written 64 KiB at a time, as in a service), so
// that the report is not buried under its lines; what waits is flushed before stdout is given back.
int saved_stdout = -1;

void SendStdoutToDevNull(const benchmark::State& /*state*/) {
  std::fflush(stdout);
  saved_stdout = ::dup(STDOUT_FILENO);
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  ::dup2(null, STDOUT_FILENO);
  ::close(null);
  SetFlushInterval(std::chrono::seconds(1));
}

void RestoreStdout(const benchmark::State& /*state*/) {
  Flush();
  SetFlushInterval(std::chrono::seconds(0));
  ::dup2(saved_stdout, STDOUT_FILENO);
  ::close(saved_stdout);
}

// The whole line as a request pays for it: formatted, handed to the logger and appended to its buffer. Two
// threads: the network threads of a service, both logging without pause, the worst case for the sink's one
// mutex (1.6-2.3 us of CPU per line against 0.5-1 us from one thread, in runs on this machine). In a
// service their lines come tens of microseconds apart and seldom meet: a buffer per thread halved the
// two-thread figure but changed nothing measurable on a proxied request (docs/performance.md), so the sink
// kept its one buffer.
void AccessLineWritten(benchmark::State& state) {
  for (auto _ : state) {
    const auto fields = AccessLineFields();
    Write(Level::kInfo, "request", std::span<const Field>(fields));
  }
}
BENCHMARK(AccessLineWritten)
    ->Setup(SendStdoutToDevNull)
    ->Teardown(RestoreStdout)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

}  // namespace
}  // namespace bookstore::log
