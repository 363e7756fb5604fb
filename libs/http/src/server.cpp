// The server: one event loop per network thread, one coroutine per connection (modelled on Beast's
// example/advanced/server-flex-awaitable, with plain and TLS streams sharing one template).

#include "bookstore/http/server.h"

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
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
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
#include "bookstore/log/log.h"
#include "internal.h"
#include "readiness.h"

namespace bookstore::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::string_view kRequestIdHeader = "X-Request-ID";
constexpr std::size_t kMaxRequestIdLength = 128;

// ---- small helpers ----

// RFC 9110 IMF-fixdate, formatted once per second per thread.
std::string_view HttpDate() {
  thread_local std::time_t cached = -1;
  thread_local std::array<char, 40> text{};
  thread_local std::size_t length = 0;
  const std::time_t now = std::time(nullptr);
  if (now != cached) {
    static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    const int n = std::snprintf(text.data(), text.size(), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                                kDays.at(static_cast<std::size_t>(tm.tm_wday)), tm.tm_mday,
                                kMonths.at(static_cast<std::size_t>(tm.tm_mon)), tm.tm_year + 1900,
                                tm.tm_hour, tm.tm_min, tm.tm_sec);
    length = n > 0 ? static_cast<std::size_t>(n) : 0;
    cached = now;
  }
  return {text.data(), length};
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = rng();
    for (int i = 0; i < 16; ++i) {
      id[static_cast<std::size_t>(half * 16 + i)] = kHex[bits & 0xF];
      bits >>= 4;
    }
  }
  return id;
}

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (const char c : id) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

std::string RequestIdFor(const Request& req) {
  const auto it = req.find(kRequestIdHeader);
  if (it != req.end() && SaneRequestId(it->value())) return std::string(it->value());
  return NewRequestId();
}

std::string RemoteAddressOf(const tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

bool IsBodyless(Status status) {
  const auto code = static_cast<unsigned>(status);
  return (code >= 100 && code < 200) || status == Status::no_content || status == Status::not_modified;
}

// RFC 9112 §6.1: a request whose Transfer-Encoding is anything but "chunked" has a body of unknown length;
// the only safe answer is 400 and closing (taking it as bodiless would parse the body as the next request).
bool HasUnsupportedTransferCoding(const Request& request) {
  const auto field = request.find(Field::transfer_encoding);
  if (field == request.end()) return false;
  bool any = false;
  for (const auto& coding : bhttp::token_list(field->value())) {
    if (!beast::iequals(coding, "chunked")) return true;
    any = true;
  }
  return !any;
}

bool IsHttpProtocolError(const beast::error_code& ec) {
  static const auto& category = bhttp::make_error_code(bhttp::error::bad_method).category();
  return ec.category() == category && ec != bhttp::error::end_of_stream &&
         ec != bhttp::error::partial_message;
}

// ---- request metrics ----

constexpr std::array<double, 13> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                          0.25,  0.5,    1.0,   2.5,  5.0,   10.0};

struct Histogram {
  std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative; rendered cumulatively
  std::uint64_t count = 0;
  double sum = 0;

  void Observe(double seconds) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      if (seconds <= kBuckets.at(i)) {
        ++buckets.at(i);
        break;
      }
    }
    ++count;
    sum += seconds;
  }
  void Merge(const Histogram& other) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) buckets.at(i) += other.buckets.at(i);
    count += other.count;
    sum += other.sum;
  }
};

struct SeriesKey {
  const detail::Route* route;
  Verb method;
  unsigned status;
  bool operator==(const SeriesKey&) const = default;
};

struct SeriesKeyHash {
  std::size_t operator()(const SeriesKey& k) const noexcept {
    auto h = std::hash<const void*>()(k.route);
    h ^= (static_cast<std::size_t>(k.method) << 16) ^ (static_cast<std::size_t>(k.status) << 24);
    return h;
  }
};

// One per network thread, so recording never contends (the mutex only meets a scrape).
struct MetricsShard {
  std::mutex mutex;
  std::unordered_map<SeriesKey, Histogram, SeriesKeyHash> series;

  void Record(const SeriesKey& key, double seconds) {
    std::lock_guard lock(mutex);
    series[key].Observe(seconds);
  }
};

// ---- server state ----

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Shutdown began: close when idle, end a stream, otherwise finish the current request and close.
  virtual void Drain() = 0;
  // The drain deadline passed.
  virtual void ForceClose() = 0;
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
    for (int i = 0; i < options.threads; ++i)
      workers.push_back(std::make_unique<Worker>(static_cast<std::size_t>(i)));
    RegisterBuiltins();
  }

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
  void WaitForSignal();
  void SessionEnded();
  template <typename Session>
  void Launch(Worker& worker, std::shared_ptr<Session> session);

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

// ---- one connection ----

template <typename Stream>
class Session final : public SessionBase,
                      public detail::StreamSink,
                      public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;

  Session(ServerCore& server, Worker& worker, Stream stream, std::string remote, std::uint64_t id, bool admin)
      : server_(server),
        worker_(worker),
        stream_(std::move(stream)),
        remote_(std::move(remote)),
        id_(id),
        admin_(admin) {
    ++server_.active_sessions;
    if (!admin_) ++server_.public_sessions;
  }
  ~Session() override {
    if (counted_stream_) --server_.streams_open;
    if (!admin_) --server_.public_sessions;
    server_.SessionEnded();
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  net::cancellation_signal& cancel_signal() { return cancel_; }

  Awaitable<void> Run() {
    // On every way out: leave the drain list and close the socket, which also ends a pending liveness read
    // (it holds a reference to this session).
    struct Cleanup {
      Session& session;
      std::list<SessionBase*>::iterator it;
      ~Cleanup() {
        session.worker_.sessions.erase(it);
        session.Lowest().close();
      }
    } cleanup{*this, worker_.sessions.insert(worker_.sessions.end(), this)};
    try {
      co_await Loop();
    } catch (const std::exception& e) {
      // Cancellation at shutdown or a failure while closing; nothing the client can still be told.
      log::Debug("connection ended", {{"error", e.what()}, {"remote", remote_}});
    }
  }

  void Drain() override {
    drain_requested_ = true;
    if (phase_ == Phase::kIdle) {
      Lowest().cancel();
    } else if (phase_ == Phase::kStreaming) {
      stream_open_ = false;
      cancel_.emit(net::cancellation_type::terminal);
    }
  }

  void ForceClose() override {
    stream_open_ = false;
    cancel_.emit(net::cancellation_type::terminal);
    Lowest().close();
  }

  // ---- StreamSink ----

  Awaitable<bool> BeginStream(Response head) override {
    head.version(version_);
    head.set(kRequestIdHeader, current_ != nullptr ? current_->request_id() : std::string());
    head.set(Field::date, HttpDate());
    head.body().clear();
    head.keep_alive(false);
    head.chunked(true);
    stream_status_ = head.result_int();
    phase_ = Phase::kStreaming;
    streamed_ = true;
    ++server_.streams_open;
    counted_stream_ = true;
    bhttp::response_serializer<bhttp::string_body> serializer(head);
    Lowest().expires_after(server_.options.write_timeout);
    auto [ec, n] = co_await bhttp::async_write_header(stream_, serializer, kTuple);
    if (ec) {
      client_gone_ = true;
      co_return false;
    }
    stream_open_ = true;
    StartLivenessRead();
    if (drain_requested_) {
      stream_open_ = false;
      cancel_.emit(net::cancellation_type::terminal);
    }
    co_return true;
  }

  Awaitable<bool> WriteChunk(std::string_view data) override {
    if (!stream_open_) co_return false;
    if (data.empty()) co_return true;  // an empty chunk would end the body
    std::array<char, 24> size_line{};
    const int n = std::snprintf(size_line.data(), size_line.size(), "%zx\r\n", data.size());
    const std::array<net::const_buffer, 3> buffers{net::buffer(size_line.data(), static_cast<std::size_t>(n)),
                                                   net::buffer(data.data(), data.size()),
                                                   net::buffer("\r\n", 2)};
    Lowest().expires_after(server_.options.write_timeout);
    auto [ec, written] = co_await net::async_write(stream_, buffers, kTuple);
    if (ec) {
      stream_open_ = false;
      client_gone_ = true;
      co_return false;
    }
    co_return stream_open_;
  }

  [[nodiscard]] bool StreamOpen() const override { return stream_open_; }

 private:
  enum class Phase { kIdle, kReading, kBusy, kStreaming, kClosing };

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  Awaitable<void> Loop() {
    const auto& options = server_.options;
    if constexpr (kTls) {
      Lowest().expires_after(options.read_timeout);
      auto [ec] = co_await stream_.async_handshake(net::ssl::stream_base::server, kTuple);
      if (ec) co_return;
    }
    bool first = true;
    for (;;) {
      if (buffer_.size() == 0) {
        phase_ = Phase::kIdle;
        if (drain_requested_) break;
        Lowest().expires_after(first ? options.read_timeout : options.idle_timeout);
        auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
        if (ec) break;  // closed by the client, idle/read timeout, or shutdown
        buffer_.commit(n);
      }
      phase_ = Phase::kReading;
      parser_.emplace();
      parser_->header_limit(static_cast<std::uint32_t>(options.header_limit));
      parser_->body_limit(options.body_limit);
      Lowest().expires_after(options.read_timeout);
      auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, *parser_, kTuple);
      if (!ec && HasUnsupportedTransferCoding(parser_->get())) ec = bhttp::error::bad_transfer_encoding;
      if (!ec && !parser_->is_done()) {
        if (bhttp::token_list(parser_->get()[Field::expect]).exists("100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          auto [wec, wn] =
              co_await net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()), kTuple);
          ec = wec;
        }
        if (!ec) {
          auto [rec, rn] = co_await bhttp::async_read(stream_, buffer_, *parser_, kTuple);
          ec = rec;
        }
      }
      if (ec) {
        if (IsHttpProtocolError(ec)) co_await RejectMalformed(ec);
        break;
      }
      phase_ = Phase::kBusy;
      const bool keep_alive = co_await Serve(parser_->release());
      if (!keep_alive) break;
      first = false;
    }
    co_await Close();
  }

  // Runs routing, middleware and handler for one request and writes the response. Returns whether the
  // connection stays open.
  Awaitable<bool> Serve(Request request) {
    const auto start = Clock::now();
    // Saved first: a handler may move the request out of the context (e.g. to forward it).
    const Verb method = request.method();
    const bool client_keep_alive = request.keep_alive();
    version_ = request.version();
    std::string request_id = RequestIdFor(request);
    Context ctx(std::move(request), std::move(request_id), remote_, id_);
    const std::string path = server_.options.access_log ? std::string(ctx.path()) : std::string();
    detail::ContextAccess::SetSink(ctx, this);
    current_ = &ctx;

    bool skip_middleware = admin_;  // the admin listener serves built-ins only
    const Handler* handler =
        (admin_ ? server_.admin_router : server_.router).Match(ctx, nullptr, &skip_middleware);
    Response res;
    std::exception_ptr failure;
    try {
      if (admin_ && handler == nullptr) throw NotFound("no route for " + std::string(ctx.path()));
      if (handler != nullptr && (skip_middleware || server_.pipeline.middleware.empty())) {
        res = co_await (*handler)(ctx);
      } else {
        res = co_await server_.pipeline.Begin()(ctx);
      }
    } catch (...) {
      failure = std::current_exception();
    }

    if (ctx.streaming()) {
      // The stream may have ended by cancellation (client gone, shutdown); the session still has to
      // finish it, so clear the cancelled state before awaiting anything.
      co_await net::this_coro::reset_cancellation_state();
      co_await FinishStream();
      server_.Record(worker_, ctx, method, path, stream_status_, start);
      current_ = nullptr;
      co_return false;
    }
    if (failure) res = server_.ProblemFor(failure, ctx);

    const bool keep_alive = client_keep_alive && !drain_requested_ && !server_.draining.load();
    res.version(version_);
    res.set(kRequestIdHeader, ctx.request_id());
    res.set(Field::date, HttpDate());
    if (IsBodyless(res.result())) res.body().clear();
    res.keep_alive(keep_alive);
    res.prepare_payload();

    Lowest().expires_after(server_.options.write_timeout);
    beast::error_code ec;
    if (method == Verb::head) {
      bhttp::response_serializer<bhttp::string_body> serializer(res);
      auto [wec, n] = co_await bhttp::async_write_header(stream_, serializer, kTuple);
      ec = wec;
    } else {
      auto [wec, n] = co_await bhttp::async_write(stream_, res, kTuple);
      ec = wec;
    }
    server_.Record(worker_, ctx, method, path, res.result_int(), start);
    current_ = nullptr;
    co_return keep_alive && !ec;
  }

  // A request that is not HTTP, or is too large: answer with a problem, then close.
  Awaitable<void> RejectMalformed(const beast::error_code& ec) {
    const auto start = Clock::now();
    Status status = Status::bad_request;
    std::string detail = "malformed HTTP request: " + ec.message();
    if (ec == bhttp::error::body_limit) {
      status = Status::payload_too_large;
      detail = "request body larger than " + std::to_string(server_.options.body_limit) + " bytes";
    } else if (ec == bhttp::error::header_limit) {
      status = Status::request_header_fields_too_large;
      detail = "request header larger than " + std::to_string(server_.options.header_limit) + " bytes";
    }
    const bool header_done = parser_ && parser_->is_header_done();
    Request request = header_done ? parser_->release() : Request{};
    version_ = header_done ? request.version() : 11;
    const Verb method = header_done ? request.method() : Verb::unknown;
    std::string request_id = header_done ? RequestIdFor(request) : NewRequestId();
    Context ctx(std::move(request), std::move(request_id), remote_, id_);
    const std::string path(ctx.path());

    Response res = ProblemResponse(status, detail);
    res.version(version_ == 10 ? 10 : 11);
    res.set(kRequestIdHeader, ctx.request_id());
    res.set(Field::date, HttpDate());
    res.keep_alive(false);
    res.prepare_payload();
    Lowest().expires_after(server_.options.write_timeout);
    auto [wec, n] = co_await bhttp::async_write(stream_, res, kTuple);
    server_.Record(worker_, ctx, method, path, res.result_int(), start);
    if (!wec) co_await DiscardInput();
  }

  // Reads and drops what the client still sends (e.g. the rest of a refused body) for a short while, so
  // that closing does not reset the connection before the client read our response.
  Awaitable<void> DiscardInput() {
    beast::error_code ec;
    if constexpr (!kTls) Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    Lowest().expires_after(
        std::min<std::chrono::milliseconds>(server_.options.read_timeout, std::chrono::seconds(2)));
    for (;;) {
      buffer_.consume(buffer_.size());
      auto [rec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
      if (rec) break;
    }
  }

  Awaitable<void> Close() {
    phase_ = Phase::kClosing;
    beast::error_code ec;
    if constexpr (kTls) {
      // Not after a stream: its liveness read may still be pending, and TLS allows one reader.
      if (Lowest().socket().is_open() && !streamed_) {
        Lowest().expires_after(std::chrono::seconds(1));
        auto [sec] = co_await stream_.async_shutdown(kTuple);
        (void)sec;
      }
    }
    if (Lowest().socket().is_open()) Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    Lowest().close();
  }

  // Sends the last chunk when the client is still there.
  Awaitable<void> FinishStream() {
    const bool client_there = counted_stream_ && !client_gone_;
    stream_open_ = false;
    phase_ = Phase::kClosing;
    if (counted_stream_) {
      --server_.streams_open;
      counted_stream_ = false;
    }
    if (client_there) {
      static constexpr std::string_view kLastChunk = "0\r\n\r\n";
      Lowest().expires_after(server_.options.write_timeout);
      auto [ec, n] =
          co_await net::async_write(stream_, net::buffer(kLastChunk.data(), kLastChunk.size()), kTuple);
      (void)ec;
    }
  }

  // While streaming, a pending read notices the client going away at once (no thread, no polling).
  void StartLivenessRead() {
    Lowest().expires_never();
    stream_.async_read_some(
        net::buffer(liveness_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          if (self->phase_ != Phase::kStreaming) return;
          if (!ec) {
            self->StartLivenessRead();  // a streaming client has nothing to say; ignore it
            return;
          }
          self->stream_open_ = false;
          self->client_gone_ = true;
          self->cancel_.emit(net::cancellation_type::terminal);
        });
  }

  ServerCore& server_;
  Worker& worker_;
  Stream stream_;
  std::string remote_;
  std::uint64_t id_;
  bool admin_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  net::cancellation_signal cancel_;
  Phase phase_ = Phase::kIdle;
  bool drain_requested_ = false;
  bool stream_open_ = false;  // the handler may write
  bool client_gone_ = false;  // the stream's client left or a write failed
  bool counted_stream_ = false;
  bool streamed_ = false;
  unsigned stream_status_ = 200;
  unsigned version_ = 11;
  Context* current_ = nullptr;
  std::array<char, 512> liveness_{};
};

// ---- ServerCore ----

template <typename Session>
void ServerCore::Launch(Worker& worker, std::shared_ptr<Session> session) {
  auto& signal = session->cancel_signal();
  auto run = session->Run();
  net::co_spawn(worker.ioc, std::move(run),
                net::bind_cancellation_slot(signal.slot(), [session](std::exception_ptr) {}));
}

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
      Launch(worker, std::make_shared<Session<TlsStream>>(*this, worker,
                                                          TlsStream(PlainStream(std::move(socket)), *ssl),
                                                          std::move(remote), id, admin));
    } else {
      Launch(worker, std::make_shared<Session<PlainStream>>(*this, worker, PlainStream(std::move(socket)),
                                                            std::move(remote), id, admin));
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
    Response res = ProblemResponse(ServiceUnavailable("too many open connections; try again shortly"));
    res.set(Field::retry_after, "1");
    res.set(Field::date, HttpDate());
    res.keep_alive(false);
    res.prepare_payload();
    auto [ec, n] = co_await bhttp::async_write(stream, res, kTuple);
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
  if (active_sessions.load() > 0) co_await drain_timer->async_wait(kTuple);
  if (active_sessions.load() > 0) {
    log::Warn("drain timeout: closing remaining connections", {{"connections", active_sessions.load()}});
    for_each_session(&SessionBase::ForceClose);
    drain_timer->expires_after(std::chrono::seconds(1));
    if (active_sessions.load() > 0) co_await drain_timer->async_wait(kTuple);
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
  if (!options.tls_certificate_pem.empty()) {
    ssl = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    ssl->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                     net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    beast::error_code ec;
    ssl->use_certificate_chain(net::buffer(options.tls_certificate_pem), ec);
    if (ec) throw std::invalid_argument("invalid TLS certificate: " + ec.message());
    ssl->use_private_key(net::buffer(options.tls_private_key_pem), net::ssl::context::pem, ec);
    if (ec) throw std::invalid_argument("invalid TLS private key: " + ec.message());
  }

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
    log::Error("unhandled exception",
               {{"request_id", ctx.request_id()}, {"route", ctx.route()}, {"error", what}});
    return ProblemResponse(InternalError());
  };
  try {
    std::rethrow_exception(failure);
  } catch (const Error& e) {
    return ProblemResponse(e);
  } catch (const UpstreamError& e) {
    log::Warn("upstream failure", {{"request_id", ctx.request_id()}, {"error", e.what()}});
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
    if (e.code() == net::error::operation_aborted)
      return ProblemResponse(ServiceUnavailable("request cancelled"));
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
  const std::string_view method_name =
      method == Verb::unknown ? std::string_view("-") : std::string_view(bhttp::to_string(method));
  log::Write(level, "request",
             {{"method", method_name},
              {"path", path},
              {"route", ctx.route()},
              {"status", status},
              {"duration_ms", std::round(seconds * 1e6) / 1e3},
              {"request_id", ctx.request_id()},
              {"remote", ctx.remote_address()}});
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

}  // namespace

// ---- Server ----

struct Server::Impl : ServerCore {
  using ServerCore::ServerCore;
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
  if (impl_->started.load())
    throw std::logic_error("readiness checks must be added before the server starts");
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
