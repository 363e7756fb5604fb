#pragma once
// The HTTP server of every BookStore component (Boost.Beast, C++20 coroutines).
//
//   #include "bookstore/http/server.h"
//   namespace http = bookstore::http;
//
//   int main(int argc, char** argv) {
//     bookstore::config::Env env("catalog", argc, argv);
//     auto options = http::ReadServerOptions(env, 5002, 9002);
//     env.Finish();
//     http::Server server(options);
//     server.Get("/books/{id}", [&](http::Context& ctx) -> http::Awaitable<http::Response> {
//       auto id = ctx.IdParam("id");                        // 404 unless a positive integer
//       auto book = co_await LoadBook(id);                  // throw http::NotFound("no such book")
//       co_return http::JsonResponse(book);
//     });
//     server.AddReadinessCheck("db", [&] { return pool.Ping(); });
//     server.Run();                                         // until SIGTERM/SIGINT, then drains
//   }
//
// Threads: the server runs `threads` event loops, one per thread; each connection stays on one of them
// for its life, so a handler never runs concurrently with itself for one connection, but handlers of
// different connections do run in parallel: shared state needs locking. Never block a network thread
// (database calls go through db::Pool::Run, which hops to its own threads).
//
// Each request: X-Request-ID taken from the client when sane, else generated, and echoed in the
// response; routing (router.h); the middleware chain; the handler; any exception becomes a problem+json
// response (error.h); one access-log line (log::Info "request" with method, path, route, status,
// duration_ms, request_id, remote) unless access_log is off; metrics (metrics.h).
//
// Limits (all in ServerOptions): body_limit (413 problem beyond), header_limit (431), read_timeout for a
// whole request once its first byte arrived and for the first request of a connection (a silent or
// slowloris client is disconnected), idle_timeout between keep-alive requests, write_timeout per write.
// Malformed HTTP gets a 400 problem and the connection is closed.
//
// Built-in endpoints (GET, bypassing the middleware): /healthz 200 {"status":"ok"} while the process
// runs; /readyz reports the readiness checks' last results (200 {"status":"ready","checks":{"db":"ok"}}, 503
// {"status":"not ready",...} when one fails or the server is draining); /metrics (Prometheus text).
// With an admin port (ServerOptions::admin_port) the operator's view moves there: the admin listener
// serves only /healthz, /readyz with each check's result and /metrics; the public port keeps /healthz
// and a /readyz that says only ready or not, and has no /metrics (404). Metrics name upstream
// addresses and check failures name internals: not for whoever reaches the public port.
//
// Connections: beyond max_connections open public connections a new one is answered 503 with
// Retry-After and closed at once, so an overload is visible to the client and costs no session; the
// admin port does not count, so health checks and scrapes still get through.
//
// Graceful shutdown (SIGTERM/SIGINT in Run(), or Stop()): /readyz answers 503 at once; after
// shutdown_delay (0 by default; a second Stop()/signal skips the rest of it) the listener closes,
// idle keep-alive connections are closed, open streams are cancelled, in-flight requests finish (their
// response carries Connection: close) within drain_timeout, after which whatever is left is cut off;
// then Run()/Wait() return.
//
// TLS: when tls_certificate_pem and tls_private_key_pem are set the server speaks HTTPS only (TLS 1.2+).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "bookstore/http/context.h"
#include "bookstore/http/error.h"
#include "bookstore/http/message.h"
#include "bookstore/http/metrics.h"
#include "bookstore/http/router.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace bookstore::config {
class Env;
}  // namespace bookstore::config

namespace bookstore::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 0;  // 0 picks a free port (tests); see Server::port()
  // The operator's listener (see above), on admin_host; 0 picks a free port; none: the built-ins are
  // all served on the public port.
  std::optional<std::uint16_t> admin_port;
  std::string admin_host = "0.0.0.0";
  std::size_t max_connections = 10'000;
  int threads = 2;
  std::size_t body_limit = 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds drain_timeout{8'000};
  std::chrono::milliseconds shutdown_delay{0};
  std::chrono::milliseconds readiness_interval{1'000};  // how often each readiness check runs
  std::chrono::milliseconds readiness_timeout{2'000};   // a check running longer reads as failed
  bool access_log = true;
  bool handle_signals = true;       // Run() stops on SIGTERM/SIGINT
  std::string tls_certificate_pem;  // certificate chain, PEM text; with the key below: HTTPS only
  std::string tls_private_key_pem;
};

// Declares and reads (each NAME may also be given as NAME_FILE, see libs/config):
//   HTTP_HOST (0.0.0.0), HTTP_PORT (default_port), HTTP_ADMIN_HOST (HTTP_HOST), HTTP_ADMIN_PORT
//   (default_admin_port; 0 any free port), HTTP_MAX_CONNECTIONS (10000), HTTP_THREADS (the CPUs the
//   process may use, config::UsableCpus()), HTTP_BODY_LIMIT (1048576 bytes), HTTP_HEADER_LIMIT (16384
//   bytes), HTTP_READ_TIMEOUT (10s), HTTP_IDLE_TIMEOUT (60s), HTTP_WRITE_TIMEOUT (10s), HTTP_DRAIN_TIMEOUT
//   (8s), HTTP_SHUTDOWN_DELAY (0s), HTTP_ACCESS_LOG (true), TLS_CERT and TLS_KEY (PEM text; normally given
//   as TLS_CERT_FILE / TLS_KEY_FILE, file paths; both or neither).
// Problems are reported by env.Finish().
ServerOptions ReadServerOptions(config::Env& env, int default_port, int default_admin_port);

class Server {
 public:
  explicit Server(ServerOptions options);
  // Stops (as Stop()) and waits when still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Routes and middleware: register before Start()/Run(); afterwards they throw std::logic_error.
  void Handle(Verb method, std::string_view pattern, Handler handler, RouteOptions options = {});
  void Get(std::string_view pattern, Handler handler) { Handle(Verb::get, pattern, std::move(handler)); }
  void Post(std::string_view pattern, Handler handler) { Handle(Verb::post, pattern, std::move(handler)); }
  void Put(std::string_view pattern, Handler handler) { Handle(Verb::put, pattern, std::move(handler)); }
  void Patch(std::string_view pattern, Handler handler) { Handle(Verb::patch, pattern, std::move(handler)); }
  void Delete(std::string_view pattern, Handler handler) {
    Handle(Verb::delete_, pattern, std::move(handler));
  }
  void Use(Middleware middleware);

  // A readiness check for /readyz: returns true when ready; false or an exception (its message is shown)
  // means not ready. Runs in the background on a thread of the server's (never a network thread): at
  // Start() and then every readiness_interval (every 20 ms while one is not ok), one check at a time; /readyz
  // reads the last results (a check not finished yet reads "pending", one running longer than
  // readiness_timeout "failed: timed out"). Checks stop before Run()/Wait() return.
  void AddReadinessCheck(std::string name, std::function<bool()> check);

  // Binds and starts the network threads; returns at once. Throws std::system_error when the address
  // cannot be bound, std::invalid_argument for a bad TLS certificate/key.
  void Start();
  // Start() (unless started) with SIGTERM/SIGINT handling (ServerOptions::handle_signals), then blocks
  // until the server stopped and drained. After an explicit Start() it only waits (no signal handling).
  void Run();
  // Begins the graceful shutdown described above; thread-safe, returns at once. A second call skips the
  // rest of shutdown_delay.
  void Stop();
  // Blocks until the shutdown finished and every network thread exited.
  void Wait();

  // The bound port (after Start()).
  [[nodiscard]] std::uint16_t port() const;
  // The bound admin port (after Start()); 0 without an admin listener.
  [[nodiscard]] std::uint16_t admin_port() const;
  [[nodiscard]] bool draining() const;
  // Number of network threads / their event loops, e.g. to run background coroutines of the component.
  [[nodiscard]] std::size_t thread_count() const;
  boost::asio::io_context& io_context(std::size_t index = 0);
  // Connections accepted since Start(), and open now (tests, diagnostics).
  [[nodiscard]] std::uint64_t connections_accepted() const;
  [[nodiscard]] std::int64_t connections_open() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bookstore::http
