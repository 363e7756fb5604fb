#include "bookstore/http/client.h"

#include <sys/socket.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <cerrno>
#include <charconv>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "message_io.h"
#include "wire.h"

namespace bookstore::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;

struct Connection {
  explicit Connection(const net::any_io_executor& ex) : stream(ex) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::string head;  // the head of the request being written, its capacity kept between requests
  Clock::time_point idle_since{};
};

// Whether an idle connection is still open and silent: a non-blocking peek that finds nothing to read.
// End of stream (the upstream closed it, e.g. while draining or at its idle timeout) or stray bytes mean it
// must not carry a request that cannot be sent twice: one written there could be lost after the upstream
// read it. A replayable request skips the peek (a system call per request, about a sixth of a proxied
// GET's, and dear on this VM): if the connection turns out closed, Send sends it again on a fresh one.
bool StillIdle(Connection& conn) {
  char byte = 0;
  const ssize_t n = ::recv(conn.stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// Idle keep-alive connections of one event loop (execution context). Living inside the context, the pool
// is emptied when the context shuts down, before the sockets' reactor goes away, whatever the order in
// which the process destroys its Client and its io_contexts.
class PoolService : public net::execution_context::service {
 public:
  // Asio's protocol names it; constructing it cannot throw.
  // NOLINTNEXTLINE(readability-identifier-naming,cert-err58-cpp)
  static inline net::execution_context::id id;

  explicit PoolService(net::execution_context& context) : net::execution_context::service(context) {}

  // The most recently used idle connection to `upstream_key`; with `verify`, only one StillIdle.
  std::unique_ptr<Connection> Take(const std::string& upstream_key, Clock::duration max_idle, bool verify) {
    std::lock_guard lock(mutex_);
    auto it = pools_.find(upstream_key);
    if (it == pools_.end()) return nullptr;
    auto& idle = it->second;
    const auto now = Clock::now();
    while (!idle.empty()) {
      auto conn = std::move(idle.back());
      idle.pop_back();
      if (now - conn->idle_since < max_idle && (!verify || StillIdle(*conn))) return conn;
    }
    return nullptr;
  }

  void Give(const std::string& upstream_key, std::unique_ptr<Connection> conn, std::size_t max_per_key) {
    conn->idle_since = Clock::now();
    std::lock_guard lock(mutex_);
    auto& idle = pools_[upstream_key];
    if (idle.size() >= max_per_key) idle.erase(idle.begin());  // drop the oldest
    idle.push_back(std::move(conn));
  }

 private:
  void shutdown() override {
    std::lock_guard lock(mutex_);
    pools_.clear();
  }

  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> pools_;
};

[[noreturn]] void ThrowCancelled() {
  throw boost::system::system_error(net::error::operation_aborted, "request cancelled");
}

// Safe to send a second time: a method that changes nothing (RFC 9110 §9.2.1), or a request whose
// Idempotency-Key makes the upstream answer a repeat with the first outcome.
bool Replayable(const Request& request) {
  switch (request.method()) {
    case Verb::get:
    case Verb::head:
    case Verb::options:
    case Verb::trace:
      return true;
    default:
      return request.find("Idempotency-Key") != request.end() ||
             request.find("X-Idempotency-Key") != request.end();
  }
}

void PrepareRequest(Request& request, const Upstream& upstream) {
  request.version(11);
  if (request.find(Field::host) == request.end()) request.set(Field::host, upstream.Authority());
  request.keep_alive(true);
  request.prepare_payload();
}

Awaitable<std::unique_ptr<Connection>> Connect(const Upstream& upstream, Clock::time_point deadline,
                                               const ClientOptions& options) {
  const auto ex = co_await net::this_coro::executor;
  auto conn = std::make_unique<Connection>(ex);
  const auto connect_deadline = std::min(deadline, Clock::now() + options.connect_timeout);
  const std::string where = upstream.Authority();
  beast::error_code ec;
  const auto address = net::ip::make_address(upstream.host, ec);
  if (!ec) {
    conn->stream.expires_at(connect_deadline);
    auto [cec] = co_await conn->stream.async_connect(tcp::endpoint(address, upstream.port), kTuple);
    ec = cec;
  } else {
    using namespace net::experimental::awaitable_operators;  // NOLINT(google-build-using-namespace)
    tcp::resolver resolver(ex);
    net::steady_timer timer(ex, connect_deadline);
    auto outcome = co_await (resolver.async_resolve(upstream.host, std::to_string(upstream.port), kTuple) ||
                             timer.async_wait(kTuple));
    if (outcome.index() == 1) {
      throw UpstreamError(UpstreamError::Kind::kConnect, "timed out resolving " + upstream.host);
    }
    auto [rec, endpoints] = std::get<0>(std::move(outcome));
    if (rec == net::error::operation_aborted) ThrowCancelled();
    if (rec || endpoints.empty()) {
      throw UpstreamError(UpstreamError::Kind::kConnect,
                          "cannot resolve " + upstream.host + ": " + rec.message());
    }
    conn->stream.expires_at(connect_deadline);
    auto [cec, endpoint] = co_await conn->stream.async_connect(endpoints, kTuple);
    ec = cec;
  }
  if (ec == net::error::operation_aborted) ThrowCancelled();
  if (ec == beast::error::timeout) {
    throw UpstreamError(UpstreamError::Kind::kConnect, "connect to " + where + " timed out");
  }
  if (ec) {
    throw UpstreamError(UpstreamError::Kind::kConnect, "cannot connect to " + where + ": " + ec.message());
  }
  beast::error_code ignored;
  conn->stream.socket().set_option(tcp::no_delay(true), ignored);
  co_return conn;
}

struct Exchange {
  beast::error_code ec;
  bool got_response_bytes = false;
  bool reusable = false;
  Response response;
};

// The request as its head and body in one gather write (wire.h), as the server writes its responses:
// with epoll what the socket takes at once (SendNow, message_io.h), the rest asynchronously.
Awaitable<beast::error_code> WriteRequest(Connection& conn, const Request& request) {
  auto& stream = conn.stream;
  conn.head.clear();
  detail::AppendRequestHead(request, conn.head);
  using Buffers = std::array<net::const_buffer, 2>;
  const Buffers wire{net::buffer(conn.head), net::buffer(request.body())};
  beast::error_code ec;
  const std::size_t sent = detail::SendNow(stream.socket(), wire, ec);
  if (ec || sent == net::buffer_size(wire)) co_return ec;
  beast::buffers_suffix<Buffers> rest(wire);
  rest.consume(sent);
  auto [wec, written] = co_await net::async_write(stream, rest, kTuple);
  co_return wec;
}

Awaitable<Exchange> SendAndReceive(Connection& conn, Request& request, Clock::time_point deadline,
                                   const ClientOptions& options) {
  Exchange result;
  conn.stream.expires_at(deadline);
  const beast::error_code wec = co_await WriteRequest(conn, request);
  if (wec) {
    result.ec = wec;
    co_return result;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options.response_header_limit));
  parser.body_limit(options.response_body_limit);
  if (request.method() == Verb::head) parser.skip(true);
  const auto rec =
      co_await detail::ReadMessage(conn.stream, conn.buffer, parser, detail::ReadUntil::kMessage, kReadChunk);
  result.got_response_bytes = parser.got_some() || conn.buffer.size() > 0;
  if (rec) {
    result.ec = rec;
    co_return result;
  }
  result.reusable = parser.get().keep_alive() && !parser.need_eof() && conn.buffer.size() == 0;
  result.response = parser.release();
  co_return result;
}

// The connection ended (closed or reset) rather than carrying something unreadable.
bool IsConnectionEnd(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::connection_aborted;
}

UpstreamError Classify(const beast::error_code& ec, bool got_response_bytes, const Upstream& upstream) {
  if (ec == beast::error::timeout) {
    return {UpstreamError::Kind::kTimeout, upstream.Authority() + " timed out"};
  }
  if (!got_response_bytes && IsConnectionEnd(ec)) {
    return {UpstreamError::Kind::kDropped,
            upstream.Authority() + " closed the connection without answering: " + ec.message()};
  }
  return {UpstreamError::Kind::kBroken, upstream.Authority() + ": " + ec.message()};
}

}  // namespace

// ---- Upstream ----

Upstream Upstream::Parse(std::string_view url) {
  const std::string original(url);
  auto fail = [&](const std::string& why) -> Upstream {
    throw std::invalid_argument("invalid upstream URL '" + original + "': " + why);
  };
  if (url.starts_with("https://")) return fail("https is not supported for upstreams");
  if (url.starts_with("http://")) url.remove_prefix(7);
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.empty()) return fail("no host");
  if (url.find('/') != std::string_view::npos) return fail("a path is not allowed");
  Upstream upstream;
  std::string_view port_text;
  bool has_port = false;
  if (url.front() == '[') {  // [IPv6]:port
    const auto close = url.find(']');
    if (close == std::string_view::npos) return fail("unterminated [");
    upstream.host = std::string(url.substr(1, close - 1));
    const auto rest = url.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail("expected :port");
      port_text = rest.substr(1);
      has_port = true;
    }
  } else {
    const auto colon = url.rfind(':');
    upstream.host = std::string(url.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = url.substr(colon + 1);
      has_port = true;
    }
  }
  if (upstream.host.empty()) return fail("no host");
  if (has_port) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      return fail("bad port");
    }
    upstream.port = static_cast<std::uint16_t>(value);
  }
  return upstream;
}

std::string Upstream::Authority() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

// ---- ResponseStream ----

struct ResponseStream::Impl {
  std::unique_ptr<Connection> conn;
  bhttp::response_parser<bhttp::buffer_body> parser;
  std::array<char, 16 * 1024> chunk{};
};

ResponseStream::ResponseStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ResponseStream::ResponseStream(ResponseStream&&) noexcept = default;
ResponseStream& ResponseStream::operator=(ResponseStream&&) noexcept = default;
ResponseStream::~ResponseStream() = default;

const ResponseHead& ResponseStream::head() const { return impl_->parser.get().base(); }

Awaitable<std::optional<std::string>> ResponseStream::Next() {
  auto& impl = *impl_;
  impl.conn->stream.expires_never();
  while (!impl.parser.is_done()) {
    auto& body = impl.parser.get().body();
    body.data = impl.chunk.data();
    body.size = impl.chunk.size();
    auto [ec, n] = co_await bhttp::async_read_some(impl.conn->stream, impl.conn->buffer, impl.parser, kTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec == net::error::operation_aborted) ThrowCancelled();
    if (ec) throw UpstreamError(UpstreamError::Kind::kBroken, "stream broken: " + ec.message());
    const std::size_t got = impl.chunk.size() - impl.parser.get().body().size;
    if (got > 0) co_return std::string(impl.chunk.data(), got);
  }
  co_return std::nullopt;
}

// ---- Client ----

Client::Client(ClientOptions options) : options_(options) {}

Awaitable<Response> Client::Send(Upstream upstream, Request request, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const auto ex = co_await net::this_coro::executor;
  auto& pool = net::use_service<PoolService>(net::query(ex, net::execution::context));
  const std::string key = upstream.Authority();
  PrepareRequest(request, upstream);
  auto conn = pool.Take(key, options_.max_idle_time, /*verify=*/!Replayable(request));
  for (int attempt = 0;; ++attempt) {
    const bool reused = conn != nullptr;
    if (!reused) {
      conn = co_await Connect(upstream, deadline, options_);
    }
    auto result = co_await SendAndReceive(*conn, request, deadline, options_);
    if (!result.ec) {
      if (result.reusable) pool.Give(key, std::move(conn), options_.max_idle_per_upstream);
      co_return std::move(result.response);
    }
    if (result.ec == net::error::operation_aborted) ThrowCancelled();
    // A pooled connection that failed before any byte of answer: most likely the upstream closed it just
    // before the request, but it may also have read the request, acted on it and died. So it is sent again
    // on a fresh connection only when that cannot do twice what once was meant (Go's net/http rule).
    const bool stale = reused && attempt == 0 && !result.got_response_bytes &&
                       result.ec != beast::error::timeout && Replayable(request);
    conn.reset();
    if (!stale) throw Classify(result.ec, result.got_response_bytes, upstream);
  }
}

Awaitable<ResponseStream> Client::OpenStream(Upstream upstream, Request request,
                                             std::chrono::milliseconds head_timeout) {
  const auto deadline = Clock::now() + head_timeout;
  auto impl = std::make_unique<ResponseStream::Impl>();
  impl->conn = co_await Connect(upstream, deadline, options_);
  PrepareRequest(request, upstream);
  impl->conn->stream.expires_at(deadline);
  const beast::error_code wec = co_await WriteRequest(*impl->conn, request);
  if (wec == net::error::operation_aborted) ThrowCancelled();
  if (wec) throw Classify(wec, false, upstream);
  impl->parser.header_limit(static_cast<std::uint32_t>(options_.response_header_limit));
  impl->parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  const auto rec = co_await detail::ReadMessage(impl->conn->stream, impl->conn->buffer, impl->parser,
                                                detail::ReadUntil::kHeader, kReadChunk);
  if (rec == net::error::operation_aborted) ThrowCancelled();
  if (rec) throw Classify(rec, impl->parser.got_some() || impl->conn->buffer.size() > 0, upstream);
  co_return ResponseStream(std::move(impl));
}

}  // namespace bookstore::http
