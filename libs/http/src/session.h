#pragma once
// One connection of the server: reads requests (with the limits and timeouts of ServerOptions), runs
// routing, middleware and handler, writes responses, streams (Server-Sent Events), and takes part in the
// graceful shutdown. One template for plain and TLS streams (Beast's server-flex-awaitable).

#include "message_io.h"
#include "server_core.h"

namespace bookstore::http::detail {

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
  // SessionEnded only posts a wake-up: failing that is out of memory, where terminating is the right end.
  // NOLINTNEXTLINE(bugprone-exception-escape)
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

  // As Beast's timeout does: the pending read ends, and the connection with it.
  void CloseIfIdleSince(Clock::time_point now) override {
    if (phase_ == Phase::kIdle && now >= idle_deadline_) Lowest().close();
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
    const beast::error_code ec = co_await WriteResponse(head, true);
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
    const Buffers buffers{net::buffer(size_line.data(), static_cast<std::size_t>(n)),
                          net::buffer(data.data(), data.size()), net::buffer("\r\n", 2)};
    const beast::error_code ec = co_await Send(buffers);
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
  // What every write of the session sends: up to three buffers in one gather write, so that each stream
  // type instantiates one write operation (a response's head and body, a chunk and its framing).
  using Buffers = std::array<net::const_buffer, 3>;

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // Every write of the session: on a plain connection with epoll what the socket takes at once (SendNow,
  // message_io.h), the rest asynchronously within the write timeout.
  Awaitable<beast::error_code> Send(const Buffers& wire) {
    std::size_t sent = 0;
    if constexpr (!kTls) {
      beast::error_code ec;
      sent = SendNow(Lowest().socket(), wire, ec);
      if (ec || sent == net::buffer_size(wire)) co_return ec;
    }
    beast::buffers_suffix<Buffers> rest(wire);
    rest.consume(sent);
    Lowest().expires_after(server_.options.write_timeout);
    auto [ec, n] = co_await net::async_write(stream_, rest, kTuple);
    co_return ec;
  }

  // Writes `res` as its head (wire.h) and, unless `head_only`, its body, in one gather write.
  Awaitable<beast::error_code> WriteResponse(const Response& res, bool head_only) {
    head_.clear();
    AppendResponseHead(res, head_);
    const std::string_view body = head_only ? std::string_view() : std::string_view{res.body()};
    const Buffers wire{net::buffer(head_), net::buffer(body.data(), body.size()), net::const_buffer()};
    co_return co_await Send(wire);
  }

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
        // Timed by the worker's sweep (ServerCore::SweepIdle), not by a timer per read.
        idle_deadline_ = Clock::now() + (first ? options.read_timeout : options.idle_timeout);
        Lowest().expires_never();
        auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
        if (ec) break;  // closed by the client, idle/read timeout, or shutdown
        buffer_.commit(n);
      }
      phase_ = Phase::kReading;
      parser_.emplace();
      parser_->header_limit(static_cast<std::uint32_t>(options.header_limit));
      parser_->body_limit(options.body_limit);
      Lowest().expires_after(options.read_timeout);
      auto ec = co_await ReadMessage(stream_, buffer_, *parser_, ReadUntil::kHeader, kReadChunk);
      if (!ec && HasUnsupportedTransferCoding(parser_->get())) ec = bhttp::error::bad_transfer_encoding;
      if (!ec && !parser_->is_done()) {
        const auto expect = parser_->get()[Field::expect];
        if (bhttp::token_list(expect).exists("100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          const Buffers wire{net::buffer(kContinue.data(), kContinue.size()), net::const_buffer(),
                             net::const_buffer()};
          ec = co_await Send(wire);
        }
        if (!ec) ec = co_await ReadMessage(stream_, buffer_, *parser_, ReadUntil::kMessage, kReadChunk);
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
    ContinueOrStartTrace(request);
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
    SetFieldValue(res, kRequestIdHeader, ctx.request_id());
    SetFieldValue(res, Field::date, HttpDate());
    if (IsBodyless(res.result())) res.body().clear();
    res.keep_alive(keep_alive);
    PreparePayload(res);

    // A HEAD answer is the GET answer's head alone (its Content-Length included).
    const beast::error_code ec = co_await WriteResponse(res, method == Verb::head);
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
    const beast::error_code wec = co_await WriteResponse(res, false);
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
      const Buffers wire{net::buffer(kLastChunk.data(), kLastChunk.size()), net::const_buffer(),
                         net::const_buffer()};
      const beast::error_code ec = co_await Send(wire);
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
  std::string head_;  // the head of the response being written, its capacity kept between requests
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  net::cancellation_signal cancel_;
  Phase phase_ = Phase::kIdle;
  Clock::time_point idle_deadline_ = Clock::time_point::max();  // while kIdle: when the wait times out
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

// Runs the session's coroutine on the worker's loop; the session's signal cancels it (drain, close).
template <typename Stream>
void LaunchSession(Worker& worker, std::shared_ptr<Session<Stream>> session) {
  auto& signal = session->cancel_signal();
  auto run = session->Run();
  net::co_spawn(worker.ioc, std::move(run),
                net::bind_cancellation_slot(signal.slot(), [session](const std::exception_ptr&) {}));
}

}  // namespace bookstore::http::detail
