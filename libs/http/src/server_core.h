#pragma once
// The server's state shared by its parts: the network threads (Worker), the listeners, routes and
// options (ServerCore), and what a connection must offer for a graceful shutdown (SessionBase). A
// connection itself is session.h (started by the Launch functions below); the methods of ServerCore
// are server.cpp.

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <system_error>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "bookstore/http/client.h"
#include "bookstore/http/server.h"
#include "bookstore/log/log.h"
#include "internal.h"
#include "readiness.h"
#include "request_metrics.h"
#include "wire.h"

namespace bookstore::http::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Shutdown began: close when idle, end a stream, otherwise finish the current request and close.
  virtual void Drain() = 0;
  // The drain deadline passed.
  virtual void ForceClose() = 0;
  // Closes the connection when it has waited for a request since before `now` less its read or idle
  // timeout (ServerCore::SweepIdle).
  virtual void CloseIfIdleSince(Clock::time_point now) = 0;
};

struct Worker {
  explicit Worker(std::size_t i) : index(i), ioc(1) {}
  std::size_t index;
  std::list<SessionBase*> sessions;  // touched only on this worker's thread
  MetricsShard metrics;
  std::thread thread;
  net::io_context ioc;  // after the members its handlers use, so it is destroyed first
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
};

class ServerCore {
 public:
  explicit ServerCore(ServerOptions o) : options(std::move(o)) {
    if (options.threads < 1) options.threads = 1;
    for (int i = 0; i < options.threads; ++i) {
      workers.push_back(std::make_unique<Worker>(static_cast<std::size_t>(i)));
    }
    RegisterBuiltins();
  }

  // Stopping posts to the event loops and joins threads: a failure there is out of memory or a broken
  // system, where terminating is the right end.
  // NOLINTNEXTLINE(bugprone-exception-escape)
  ~ServerCore() {
    if (started.load()) {
      Stop();
      Stop();  // skip the shutdown delay
      Wait();
    }
    readiness.Stop();
    // I/O objects of worker 0 go before the event loops they belong to.
    signals.reset();
    acceptor.reset();
    admin_acceptor.reset();
    delay_timer.reset();
    drain_timer.reset();
    workers.clear();
  }

  void Start(bool handle_signals);
  void Stop();
  void Wait();

  tcp::acceptor Listen(const std::string& host, std::uint16_t port_wanted);
  Awaitable<void> AcceptLoop(tcp::acceptor& listener, bool admin);
  Awaitable<void> Refuse(tcp::socket socket);
  Awaitable<void> Shutdown();
  Awaitable<void> SweepIdle(Worker& worker);
  void WaitForSignal();
  void SessionEnded();

  Response ProblemFor(const std::exception_ptr& failure, const Context& ctx) const;
  void Record(Worker& worker, const Context& ctx, Verb method, std::string_view path, unsigned status,
              Clock::time_point start) const;
  std::string RenderMetrics() const;

  Awaitable<Response> Readyz(bool details);
  void RegisterBuiltins();

  ServerOptions options;
  Router router;
  Router admin_router;  // the admin listener's routes: the built-ins only
  std::vector<Middleware> middleware;
  detail::Pipeline pipeline;
  std::unique_ptr<net::ssl::context> ssl;
  detail::ReadinessMonitor readiness{options.readiness_interval, options.readiness_timeout};

  std::atomic<bool> started{false};
  std::atomic<bool> draining{false};
  std::atomic<bool> stopped{false};  // event loops are being stopped: post nothing more to them
  std::atomic<int> stop_calls{0};
  std::atomic<std::int64_t> active_sessions{0};
  std::atomic<std::int64_t> public_sessions{0};  // of the public listener: what max_connections caps
  std::atomic<std::uint64_t> connections_refused{0};
  std::atomic<std::int64_t> streams_open{0};
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> next_connection_id{1};
  std::uint16_t port = 0;
  std::uint16_t admin_port = 0;
  std::mutex wait_mutex;
  bool joined = false;

  std::vector<std::unique_ptr<Worker>> workers;
  // Used on worker 0's thread only.
  std::optional<tcp::acceptor> acceptor;
  std::optional<tcp::acceptor> admin_acceptor;
  std::optional<net::steady_timer> delay_timer;
  std::optional<net::steady_timer> drain_timer;
  std::optional<net::signal_set> signals;
};

// Starts serving an accepted connection on the worker's event loop: session_plain.cpp, session_tls.cpp
// (TLS with the server's context, handshake included).
void LaunchPlainSession(ServerCore& server, Worker& worker, tcp::socket socket, std::string remote,
                        std::uint64_t id, bool admin);
void LaunchTlsSession(ServerCore& server, Worker& worker, tcp::socket socket, std::string remote,
                      std::uint64_t id, bool admin);

}  // namespace bookstore::http::detail
