// The server: one event loop per network thread, one coroutine per connection (modelled on Beast's
// example/advanced/server-flex-awaitable, with plain and TLS streams sharing one template). The parts:
//   server_core.h       the state: network threads, listeners, routes, options
//   session.h           one connection (requests, responses, streams, drain), compiled once per stream
//                       type in session_plain.cpp and session_tls.cpp (each a large instantiation of Beast
//                       and Asio: apart, they compile in parallel, and a change to this file recompiles
//                       neither)
//   wire.h              HTTP/1.1 details around Beast (Date, request ids, framing rules)
//   request_metrics.h   the per-route latency histograms
//   readiness.h         the readiness checks, run in the background
// and here: accepting, the connection cap, shutdown, problems, access log, /metrics, /readyz.

#include "bookstore/http/server.h"

#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>

#include "server_core.h"

namespace bookstore::http {
namespace detail {

void ServerCore::SessionEnded() {
  if (--active_sessions == 0 && draining.load() && !stopped.load()) {
    net::post(workers.front()->ioc, [this] {
      if (drain_timer) drain_timer->cancel();
    });
  }
}

Awaitable<void> ServerCore::AcceptLoop(tcp::acceptor& listener, bool admin) {
  std::size_t next = 0;
  for (;;) {
    Worker& worker = *workers[next];
    next = (next + 1) % workers.size();
    tcp::socket socket(worker.ioc);
    auto [ec] = co_await listener.async_accept(socket, kTuple);
    if (ec) {
      if (!listener.is_open() || ec == net::error::operation_aborted) co_return;
      log::Warn("accept failed", {{"error", ec.message()}});
      net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    ++connections_accepted;
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (!admin && public_sessions.load() >= static_cast<std::int64_t>(options.max_connections)) {
      ++connections_refused;
      net::co_spawn(worker.ioc, Refuse(std::move(socket)), net::detached);
      continue;
    }
    std::string remote = RemoteAddressOf(socket);
    const auto id = next_connection_id++;
    if (ssl) {
      LaunchTlsSession(*this, worker, std::move(socket), std::move(remote), id, admin);
    } else {
      LaunchPlainSession(*this, worker, std::move(socket), std::move(remote), id, admin);
    }
  }
}

// A connection beyond max_connections: a 503 problem with Retry-After, then closed, without a session
// (over TLS only closed: a handshake is exactly the work being shed). Reads what the client sent for a
// moment, so that closing does not reset the connection before the answer is read.
Awaitable<void> ServerCore::Refuse(tcp::socket socket) {
  PlainStream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds(1));
  if (!ssl) {
    Response res =
        ProblemResponse(Status::service_unavailable, "too many open connections; try again shortly",
                        {{"limit", "HTTP_MAX_CONNECTIONS"}});
    res.set(Field::retry_after, "1");
    res.set(Field::date, HttpDate());
    res.keep_alive(false);
    res.prepare_payload();
    std::string head;
    AppendResponseHead(res, head);
    const std::array<net::const_buffer, 2> wire{net::buffer(head), net::buffer(res.body())};
    auto [ec, n] = co_await net::async_write(stream, wire, kTuple);
    if (!ec) {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      std::array<char, 4096> discard{};
      for (;;) {
        auto [rec, rn] = co_await stream.async_read_some(net::buffer(discard), kTuple);
        if (rec) break;
      }
    }
  }
  stream.close();
}

// The timeouts of connections waiting for a request (the read timeout of a new one, the idle timeout between
// keep-alive requests), checked a few times per timeout rather than with a timer per read: Beast's
// tcp_stream arms and cancels a timer around every read (a lock, a heap insertion and removal, and the
// cancelled handler run through the event loop), once per request on every hop. A connection is closed
// between its deadline and one tick later.
Awaitable<void> ServerCore::SweepIdle(Worker& worker) {
  const auto shortest = std::min(options.read_timeout, options.idle_timeout);
  const auto tick = std::clamp<std::chrono::milliseconds>(shortest / 8, std::chrono::milliseconds(5),
                                                          std::chrono::seconds(1));
  net::steady_timer timer(worker.ioc);
  while (!stopped.load()) {
    timer.expires_after(tick);
    auto [ec] = co_await timer.async_wait(kTuple);
    if (ec) co_return;
    const auto now = Clock::now();
    // A session closed here leaves the list only when its coroutine resumes, later on this thread.
    for (auto* session : worker.sessions) session->CloseIfIdleSince(now);
  }
}

Awaitable<void> ServerCore::Shutdown() {
  log::Info("shutting down", {{"drain_timeout_ms", options.drain_timeout.count()},
                              {"shutdown_delay_ms", options.shutdown_delay.count()}});
  if (options.shutdown_delay.count() > 0 && stop_calls.load() == 1) {
    delay_timer->expires_after(options.shutdown_delay);
    co_await delay_timer->async_wait(kTuple);
  }
  beast::error_code ec;
  acceptor->close(ec);
  if (admin_acceptor) admin_acceptor->close(ec);
  auto for_each_session = [this](void (SessionBase::*action)()) {
    for (auto& worker : workers) {
      net::post(worker->ioc, [w = worker.get(), action] {
        for (auto* session : w->sessions) (session->*action)();
      });
    }
  };
  for_each_session(&SessionBase::Drain);
  drain_timer->expires_after(options.drain_timeout);
  if (active_sessions.load() > 0) {
    co_await drain_timer->async_wait(kTuple);
  }
  if (active_sessions.load() > 0) {
    log::Warn("drain timeout: closing remaining connections", {{"connections", active_sessions.load()}});
    for_each_session(&SessionBase::ForceClose);
    drain_timer->expires_after(std::chrono::seconds(1));
    if (active_sessions.load() > 0) {
      co_await drain_timer->async_wait(kTuple);
    }
  }
  stopped = true;
  for (auto& worker : workers) {
    net::post(worker->ioc, [w = worker.get()] {
      w->work.reset();
      w->ioc.stop();
    });
  }
}

void ServerCore::WaitForSignal() {
  signals->async_wait([this](const beast::error_code& ec, int signal_number) {
    if (ec) return;
    log::Info("signal received", {{"signal", signal_number}});
    Stop();
    WaitForSignal();  // a second signal skips the shutdown delay
  });
}

namespace {

// TLS follows the host's OpenSSL configuration (its system-wide protocol and cipher policy). OpenSSL
// loads it implicitly at the first TLS context, but not in a process whose database layer told it not to
// (libs/db: Connector/C would load it at start-up for connections without TLS), so the server loads it
// explicitly, once per process. A configuration that does not load stops the start: HTTPS with a policy
// other than the one the operator wrote is worse than no start.
void LoadOpenSslConfigurationOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);  // this load is the only one
    if (CONF_modules_load_file(nullptr, nullptr,
                               CONF_MFLAGS_DEFAULT_SECTION | CONF_MFLAGS_IGNORE_MISSING_FILE) <= 0) {
      std::array<char, 256> reason{};
      ERR_error_string_n(ERR_get_error(), reason.data(), reason.size());
      const std::unique_ptr<char, void (*)(char*)> file(CONF_get1_default_config_file(),
                                                        [](char* name) { OPENSSL_free(name); });
      throw std::invalid_argument(std::string("cannot load OpenSSL's configuration ") + file.get() + ": " +
                                  reason.data());
    }
  });
}

// The server's TLS: what the host's OpenSSL configuration says, and never below TLS 1.2. The context is
// made here, not by Asio's `tls_server` method, which sets the lowest version to TLS 1.0 over the
// configuration's (a host's `MinProtocol = TLSv1.3` would be lost).
std::unique_ptr<net::ssl::context> MakeTlsContext(const ServerOptions& options) {
  LoadOpenSslConfigurationOnce();
  auto ssl =
      std::make_unique<net::ssl::context>(SSL_CTX_new(TLS_server_method()));  // owns it; throws on null
  SSL_CTX* handle = ssl->native_handle();
  if (SSL_CTX_get_min_proto_version(handle) < TLS1_2_VERSION) {  // 0: none configured
    SSL_CTX_set_min_proto_version(handle, TLS1_2_VERSION);
  }
  ssl->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_compression);
  beast::error_code ec;
  ssl->use_certificate_chain(net::buffer(options.tls_certificate_pem), ec);
  if (ec) throw std::invalid_argument("invalid TLS certificate: " + ec.message());
  ssl->use_private_key(net::buffer(options.tls_private_key_pem), net::ssl::context::pem, ec);
  if (ec) throw std::invalid_argument("invalid TLS private key: " + ec.message());
  return ssl;
}

}  // namespace

void ServerCore::Start(bool handle_signals) {
  if (started.load()) throw std::logic_error("Server already started");
  if (stop_calls.load() > 0) return;
  pipeline.middleware = middleware;
  pipeline.terminal = [this](Context& ctx) -> Awaitable<Response> {
    if (const auto* route = detail::ContextAccess::GetRoute(ctx)) return route->handler(ctx);
    return [](const Router& r, Context& c) -> Awaitable<Response> {
      std::string allow;
      r.Match(c, &allow);
      if (allow.empty()) throw NotFound("no route for " + std::string(c.path()));
      throw MethodNotAllowed(allow);
      co_return Response{};
    }(router, ctx);
  };

  if (options.tls_certificate_pem.empty() != options.tls_private_key_pem.empty()) {
    throw std::invalid_argument("TLS needs both a certificate and a private key");
  }
  if (!options.tls_certificate_pem.empty()) ssl = MakeTlsContext(options);

  auto& ioc0 = workers.front()->ioc;
  acceptor.emplace(Listen(options.host, options.port));
  port = acceptor->local_endpoint().port();
  if (options.admin_port) {
    admin_acceptor.emplace(Listen(options.admin_host, *options.admin_port));
    admin_port = admin_acceptor->local_endpoint().port();
  }
  delay_timer.emplace(ioc0);
  drain_timer.emplace(ioc0);
  readiness.Start();
  if (handle_signals) {
    signals.emplace(ioc0, SIGINT, SIGTERM);
    WaitForSignal();
  }
  net::co_spawn(ioc0, AcceptLoop(*acceptor, false), net::detached);
  if (admin_acceptor) net::co_spawn(ioc0, AcceptLoop(*admin_acceptor, true), net::detached);

  started = true;
  for (auto& worker : workers) {
    net::co_spawn(worker->ioc, SweepIdle(*worker), net::detached);
    worker->work.emplace(worker->ioc.get_executor());
    worker->thread = std::thread([w = worker.get()] {
      for (;;) {
        try {
          w->ioc.run();
          return;
        } catch (const std::exception& e) {
          log::Error("uncaught exception on a network thread", {{"error", e.what()}});
        }
      }
    });
  }
  log::Info("listening", {{"host", options.host},
                          {"port", port},
                          {"admin_port", admin_port},
                          {"threads", options.threads},
                          {"tls", ssl != nullptr}});
}

tcp::acceptor ServerCore::Listen(const std::string& host, std::uint16_t port_wanted) {
  auto& ioc0 = workers.front()->ioc;
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) {
    tcp::resolver resolver(ioc0);
    auto results = resolver.resolve(host, std::to_string(port_wanted), ec);
    if (ec || results.empty()) {
      throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                              "cannot resolve '" + host + "'");
    }
    address = results.begin()->endpoint().address();
  }
  const tcp::endpoint endpoint(address, port_wanted);
  tcp::acceptor listener(ioc0);
  auto fail = [&](const char* what) {
    throw std::system_error(std::error_code(ec.value(), std::system_category()),
                            std::string("cannot ") + what + " " + host + ":" + std::to_string(port_wanted));
  };
  listener.open(endpoint.protocol(), ec);
  if (ec) fail("open a socket for");
  listener.set_option(net::socket_base::reuse_address(true), ec);
  listener.bind(endpoint, ec);
  if (ec) fail("listen on");
  listener.listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on");
  return listener;
}

void ServerCore::Stop() {
  const int calls = ++stop_calls;
  if (!started.load()) return;
  draining = true;
  if (calls == 1) {
    net::post(workers.front()->ioc,
              [this] { net::co_spawn(workers.front()->ioc, Shutdown(), net::detached); });
  } else {
    net::post(workers.front()->ioc, [this] {
      if (delay_timer) delay_timer->cancel();
    });
  }
}

void ServerCore::Wait() {
  std::lock_guard lock(wait_mutex);
  if (!started.load() || joined) return;
  for (auto& worker : workers) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  readiness.Stop();  // the checks read what the component owns, which it destroys once Run() returns
  joined = true;
  log::Info("stopped");
}

Response ServerCore::ProblemFor(const std::exception_ptr& failure, const Context& ctx) const {
  auto internal = [&](std::string_view what) {
    log::Error("unhandled exception", RequestLogFields(ctx, {{"route", ctx.route()}, {"error", what}}));
    return ProblemResponse(InternalError());
  };
  try {
    std::rethrow_exception(failure);
  } catch (const Error& e) {
    return ProblemResponse(e);
  } catch (const UpstreamError& e) {
    log::Warn("upstream failure", RequestLogFields(ctx, {{"error", e.what()}}));
    switch (e.kind()) {
      case UpstreamError::Kind::kConnect:
        return ProblemResponse(ServiceUnavailable("upstream unavailable"));
      case UpstreamError::Kind::kTimeout:
        return ProblemResponse(GatewayTimeout("upstream timed out"));
      case UpstreamError::Kind::kBroken:
      case UpstreamError::Kind::kDropped:
        return ProblemResponse(BadGateway("upstream connection failed"));
    }
    return ProblemResponse(BadGateway());
  } catch (const boost::system::system_error& e) {
    if (e.code() == net::error::operation_aborted) {
      return ProblemResponse(ServiceUnavailable("request cancelled"));
    }
    return internal(e.what());
  } catch (const std::exception& e) {
    return internal(e.what());
  } catch (...) {
    return internal("unknown exception");
  }
}

void ServerCore::Record(Worker& worker, const Context& ctx, Verb method, std::string_view path,
                        unsigned status, Clock::time_point start) const {
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const auto* route = detail::ContextAccess::GetRoute(ctx);
  worker.metrics.Record(SeriesKey{route, method, status}, seconds);
  if (!options.access_log) return;
  const bool builtin = route != nullptr && route->options.skip_middleware;
  const auto level = builtin ? log::Level::kDebug : log::Level::kInfo;
  if (!log::Enabled(level)) return;
  const std::string_view method_name = method == Verb::unknown
                                           ? std::string_view("-")
                                           : static_cast<std::string_view>(bhttp::to_string(method));
  // Fields on the stack, no object built: a line per request (log::Field).
  const std::array<log::Field, 8> fields{{{"method", method_name},
                                          {"path", path},
                                          {"route", ctx.route()},
                                          {"status", status},
                                          {"duration_ms", std::round(seconds * 1e6) / 1e3},
                                          {"request_id", ctx.request_id()},
                                          {"trace_id", ctx.trace_id()},
                                          {"remote", ctx.remote_address()}}};
  log::Write(level, "request", fields);
}

std::string ServerCore::RenderMetrics() const {
  using Key = std::tuple<std::string, std::string, unsigned>;  // route, method, status
  std::map<Key, Histogram> merged;
  for (const auto& worker : workers) {
    std::lock_guard lock(worker->metrics.mutex);
    for (const auto& [key, histogram] : worker->metrics.series) {
      const std::string route = key.route != nullptr ? key.route->pattern : "unmatched";
      const std::string method =
          key.method == Verb::unknown ? "-" : std::string(bhttp::to_string(key.method));
      merged[Key{route, method, key.status}].Merge(histogram);
    }
  }
  std::string out;
  out.reserve(256 + merged.size() * 1400);
  out += "# HELP http_requests_total HTTP requests served, by route pattern, method and status.\n";
  out += "# TYPE http_requests_total counter\n";
  auto labels = [](const Key& key) {
    return "method=\"" + std::get<1>(key) + "\",route=\"" + std::get<0>(key) + "\",status=\"" +
           std::to_string(std::get<2>(key)) + "\"";
  };
  for (const auto& [key, h] : merged) {
    out += "http_requests_total{" + labels(key) + "} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP http_request_duration_seconds Time from a request's arrival to its response written.\n";
  out += "# TYPE http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : merged) {
    const auto l = labels(key);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets.at(i);
      out += "http_request_duration_seconds_bucket{" + l + ",le=\"" +
             detail::FormatMetricValue(kBuckets.at(i)) + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "http_request_duration_seconds_sum{" + l + "} " + detail::FormatMetricValue(h.sum) + "\n";
    out += "http_request_duration_seconds_count{" + l + "} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP http_connections_open Open client connections.\n# TYPE http_connections_open gauge\n";
  out += "http_connections_open " + std::to_string(active_sessions.load()) + "\n";
  out +=
      "# HELP http_streams_open Open streaming responses (Server-Sent Events).\n# TYPE http_streams_open "
      "gauge\n";
  out += "http_streams_open " + std::to_string(streams_open.load()) + "\n";
  out += "# HELP http_connections_accepted_total Connections accepted.\n";
  out += "# TYPE http_connections_accepted_total counter\n";
  out += "http_connections_accepted_total " + std::to_string(connections_accepted.load()) + "\n";
  out += "# HELP http_connections_refused_total Connections answered 503 beyond HTTP_MAX_CONNECTIONS.\n";
  out += "# TYPE http_connections_refused_total counter\n";
  out += "http_connections_refused_total " + std::to_string(connections_refused.load()) + "\n";
  out += Metrics().Render();
  out += RenderProcessMetrics();
  return out;
}

// Reads the states the background checks left (readiness.h): never waits for a dependency.
Awaitable<Response> ServerCore::Readyz(bool details) {
  const bool is_draining = draining.load();
  auto reading = readiness.Read();
  const bool ready = reading.ready && !is_draining;
  boost::json::object body;
  body["status"] = is_draining ? "draining" : (ready ? "ready" : "not ready");
  if (details) body["checks"] = std::move(reading.checks);
  co_return JsonResponse(body, ready ? Status::ok : Status::service_unavailable);
}

void ServerCore::RegisterBuiltins() {
  const RouteOptions builtin{.skip_middleware = true};
  const bool separate_admin = options.admin_port.has_value();
  auto healthz = [](Context&) -> Awaitable<Response> {
    co_return JsonResponse(boost::json::object{{"status", "ok"}});
  };
  auto metrics = [this](Context&) -> Awaitable<Response> {
    co_return TextResponse(RenderMetrics(), Status::ok, "text/plain; version=0.0.4; charset=utf-8");
  };
  auto readyz = [this](bool details) { return [this, details](Context&) { return Readyz(details); }; };
  router.Add(Verb::get, "/healthz", healthz, builtin);
  router.Add(Verb::get, "/readyz", readyz(!separate_admin), builtin);
  if (!separate_admin) {
    router.Add(Verb::get, "/metrics", metrics, builtin);
    return;
  }
  admin_router.Add(Verb::get, "/healthz", healthz, builtin);
  admin_router.Add(Verb::get, "/readyz", readyz(true), builtin);
  admin_router.Add(Verb::get, "/metrics", metrics, builtin);
}

}  // namespace detail

struct Server::Impl : detail::ServerCore {
  using detail::ServerCore::ServerCore;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;

void Server::Handle(Verb method, std::string_view pattern, Handler handler, RouteOptions options) {
  if (impl_->started.load()) throw std::logic_error("routes must be added before the server starts");
  impl_->router.Add(method, pattern, std::move(handler), options);
}

void Server::Use(Middleware middleware) {
  if (impl_->started.load()) throw std::logic_error("middleware must be added before the server starts");
  if (!middleware) throw std::invalid_argument("empty middleware");
  impl_->middleware.push_back(std::move(middleware));
}

void Server::AddReadinessCheck(std::string name, std::function<bool()> check) {
  if (impl_->started.load()) {
    throw std::logic_error("readiness checks must be added before the server starts");
  }
  impl_->readiness.Add(std::move(name), std::move(check));
}

void Server::Start() { impl_->Start(false); }

void Server::Run() {
  if (!impl_->started.load()) impl_->Start(impl_->options.handle_signals);
  impl_->Wait();
}

void Server::Stop() { impl_->Stop(); }
void Server::Wait() { impl_->Wait(); }
std::uint16_t Server::port() const { return impl_->port; }
std::uint16_t Server::admin_port() const { return impl_->admin_port; }
bool Server::draining() const { return impl_->draining.load(); }
std::size_t Server::thread_count() const { return impl_->workers.size(); }
boost::asio::io_context& Server::io_context(std::size_t index) { return impl_->workers.at(index)->ioc; }
std::uint64_t Server::connections_accepted() const { return impl_->connections_accepted.load(); }
std::int64_t Server::connections_open() const { return impl_->active_sessions.load(); }

}  // namespace bookstore::http
