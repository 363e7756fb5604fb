#pragma once
// The HTTP/1.1 client of the gateway and the web (plain HTTP to internal upstreams; no TLS).
//
//   http::Client client;                                     // share one per process; thread-safe
//   auto catalog = http::Upstream::Parse("http://catalog:5002");
//   http::Request req{http::Verb::get, "/books/42", 11};
//   req.set("X-Request-ID", ctx.request_id());
//   try {
//     http::Response res = co_await client.Send(catalog, std::move(req), std::chrono::seconds(5));
//   } catch (const http::UpstreamError& e) {
//     if (e.kind() == http::UpstreamError::Kind::kConnect) { /* never reached the upstream: try another */ }
//     else if (IsIdempotent(method)) { /* may retry */ }
//   }
// An UpstreamError escaping a handler becomes 503 (kConnect), 504 (kTimeout) or 502 (kBroken, kDropped).
//
// Connections: a pool of keep-alive connections per upstream (host:port) and per event loop (the
// executor of the calling coroutine). A connection goes back to the pool only when the response allowed
// keep-alive and was read completely. When a pooled connection turns out dead (the write fails, or the
// connection ends before any byte of the response: the upstream closed it while idle), the request is
// sent once more on a fresh connection, whatever its method, as HTTP clients commonly do. Timeouts are
// never retried.
// The client sets Host (when missing), Connection (keep-alive) and Content-Length of the request itself.
//
// Cancellation: the calls honour the calling coroutine's cancellation (e.g. a server stream whose client
// went away): they then throw boost::system::system_error (operation_aborted).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "bookstore/http/message.h"

namespace bookstore::http {

struct Upstream {
  // A constructor rather than aggregate initialization: g++ 12 destroys an aggregate-initialized
  // temporary twice when it appears inside a co_await expression (co_await client.Send(Upstream{...})).
  Upstream() = default;
  Upstream(std::string host_name, std::uint16_t port_number)
      : host(std::move(host_name)), port(port_number) {}

  std::string host;
  std::uint16_t port = 80;

  // "http://host:port", "http://host" (port 80), "host:port"; a trailing "/" is ignored.
  // Throws std::invalid_argument otherwise (https, a path, a bad port).
  static Upstream Parse(std::string_view url);
  // "host:port"
  [[nodiscard]] std::string Authority() const;
  bool operator==(const Upstream&) const = default;
};

class UpstreamError : public std::runtime_error {
 public:
  enum class Kind {
    kConnect,  // name resolution failed, connection refused or connect timed out: the request was not sent
    kTimeout,  // no complete response within the timeout: the upstream may have processed the request
    kBroken,   // connection broke mid-response, or an invalid response: may have been processed
    kDropped,  // closed or reset with no byte of response: the upstream is going away or crashed; it may
               // have processed the request
  };
  UpstreamError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  // True unless kConnect: only an idempotent request may then be retried.
  [[nodiscard]] bool maybe_processed() const noexcept { return kind_ != Kind::kConnect; }

 private:
  Kind kind_;
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2'000};  // name resolution + TCP connect
  std::size_t max_idle_per_upstream = 64;            // per event loop
  std::chrono::milliseconds max_idle_time{30'000};   // below the servers' idle_timeout (60s)
  std::size_t response_body_limit = 16 * 1024 * 1024;
  std::size_t response_header_limit = 64 * 1024;
};

// A response read piece by piece (for proxying Server-Sent Events). Owns its connection, which is closed
// when the stream is destroyed.
class ResponseStream {
 public:
  ResponseStream(ResponseStream&&) noexcept;
  ResponseStream& operator=(ResponseStream&&) noexcept;
  ~ResponseStream();

  // Status and headers.
  [[nodiscard]] const ResponseHead& head() const;
  // The next piece of the body as it arrives (chunk boundaries are not preserved), or nullopt at its
  // end. Waits without a timeout (streams are long); the caller's cancellation ends the wait.
  // Throws UpstreamError kBroken when the connection breaks mid-body.
  Awaitable<std::optional<std::string>> Next();

  struct Impl;
  explicit ResponseStream(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

class Client {
 public:
  explicit Client(ClientOptions options = {});

  // Sends the request and reads the whole response, all within `timeout` (connecting included).
  // Any status is a normal result; only transport failures throw UpstreamError.
  // Arguments are taken by value, so the call may outlive the caller's objects (e.g. under co_spawn).
  Awaitable<Response> Send(Upstream upstream, Request request, std::chrono::milliseconds timeout);

  // Sends the request on a fresh connection and returns once the response head arrived (within
  // `head_timeout`); the body is then read with ResponseStream::Next.
  Awaitable<ResponseStream> OpenStream(Upstream upstream, Request request,
                                       std::chrono::milliseconds head_timeout);

  [[nodiscard]] const ClientOptions& options() const { return options_; }

 private:
  ClientOptions options_;
};

}  // namespace bookstore::http
