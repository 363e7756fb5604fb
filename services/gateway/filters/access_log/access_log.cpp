#include "filters/access_log/access_log.h"

#include <array>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cmath>
#include <exception>
#include <span>
#include <string_view>

#include "bookstore/authn/authn.h"
#include "bookstore/http/cluster.h"
#include "bookstore/http/error.h"
#include "bookstore/log/log.h"
#include "filters/request_state.h"

namespace bookstore::gateway {
namespace {

constexpr unsigned kOk = 200;
constexpr unsigned kClientClosed = 499;
constexpr unsigned kInternalError = 500;

constexpr std::string_view kNoUpstream = "-";

// One line per request: fields on the stack, no object built (log::Field).
void WriteLine(const http::Context& ctx, http::Verb method, std::string_view path, unsigned status,
               const RequestState& state, std::chrono::steady_clock::duration elapsed) {
  const double ms = std::chrono::duration<double, std::milli>(elapsed).count();
  std::array<log::Field, 11> fields{{
      {"method", boost::beast::http::to_string(method)},
      {"path", path},
      {"status", status},
      {"upstream", state.upstream ? std::string_view{state.upstream->address()} : kNoUpstream},
      {"duration_ms", std::round(ms * 1000.0) / 1000.0},
      {"request_id", ctx.request_id()},
      {"trace_id", ctx.trace_id()},
      {"client_ip", state.client_ip},
  }};
  std::size_t count = 8;
  if (state.attempts > 1) fields.at(count++) = {"attempts", state.attempts};
  if (!state.cache.empty()) fields.at(count++) = {"cache", state.cache};
  if (const auto* identity = authn::CurrentIdentity(ctx)) fields.at(count++) = {"user_id", identity->user_id};
  log::Write(log::Level::kInfo, "request", std::span<const log::Field>(fields.data(), count));
}

}  // namespace

http::Middleware AccessLogFilter(bool enabled) {
  return [enabled](http::Context& ctx, http::Next next) -> http::Awaitable<http::Response> {
    RequestState state;
    state.client_ip = ctx.remote_address();  // until filters/client_ip knows better
    AttachState(ctx, state);
    if (!enabled || !log::Enabled(log::Level::kInfo)) {
      co_return co_await next(ctx);
    }

    const auto start = std::chrono::steady_clock::now();
    // Copied now: the router moves the request (and the path with it) to the upstream.
    const http::Verb method = ctx.method();
    const std::string path(ctx.path());
    unsigned status = kInternalError;
    std::exception_ptr failure;
    try {
      http::Response response = co_await next(ctx);
      status = ctx.streaming() ? kOk : response.result_int();
      WriteLine(ctx, method, path, status, state, std::chrono::steady_clock::now() - start);
      co_return response;
    } catch (const http::Error& e) {
      status = static_cast<unsigned>(e.status());
      failure = std::current_exception();
    } catch (const boost::system::system_error& e) {
      // A client that went away cancels its request (nginx logs these as 499).
      if (e.code() == boost::system::errc::operation_canceled) status = kClientClosed;
      failure = std::current_exception();
    } catch (...) {
      failure = std::current_exception();  // mapped (and logged when it matters) by the server
    }
    WriteLine(ctx, method, path, status, state, std::chrono::steady_clock::now() - start);
    std::rethrow_exception(failure);
  };
}

}  // namespace bookstore::gateway
