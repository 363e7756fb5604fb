#pragma once
// What a handler or middleware gets for one request: the request itself, path and query parameters,
// request id, remote address, the matched route and per-request attributes; plus, for Server-Sent Events
// and other long responses, a way to stream the reply.

#include <any>
#include <array>
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bookstore/http/message.h"

namespace bookstore::http {

class Context;

namespace detail {

struct Route;
class ContextAccess;
inline constexpr std::size_t kMaxPathParams = 8;

// Implemented by the server's connection; the seam between a handler and the socket.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual Awaitable<bool> BeginStream(Response head) = 0;
  virtual Awaitable<bool> WriteChunk(std::string_view data) = 0;
  [[nodiscard]] virtual bool StreamOpen() const = 0;
};

}  // namespace detail

// A streaming reply started by Context::StartStream / StartEventStream. Sent with chunked transfer
// encoding; the connection is closed after the handler returns.
class EventStream {
 public:
  // Sends `data` at once (one chunk; for SSE one or more complete events, see FormatEvent). Returns false
  // when the client went away, the server is stopping or the write timed out (ServerOptions::write_timeout);
  // the handler should then return.
  Awaitable<bool> Write(std::string_view data);

  // False once the client went away or the server started shutting down.
  [[nodiscard]] bool IsOpen() const;

 private:
  friend class Context;
  explicit EventStream(detail::StreamSink* sink) : sink_(sink) {}
  detail::StreamSink* sink_;
};

// One Server-Sent Event: "event: <event>\nid: <id>\ndata: <line>\n...\n\n" (event and id omitted when
// empty; every line of `data` becomes a data: line).
std::string FormatEvent(std::string_view data, std::string_view event = {}, std::string_view id = {});
// A comment line (": <text>\n\n") to keep an idle stream alive through proxies.
std::string FormatComment(std::string_view text = "keep-alive");

class Context {
 public:
  // The server builds contexts; tests may build one to call a handler directly.
  explicit Context(Request request, std::string request_id = "test",
                   std::string_view remote_address = "127.0.0.1", std::uint64_t connection_id = 0);
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  ~Context() = default;

  // The request; a handler may move it out (e.g. to forward it upstream), after which target(),
  // path(), Param() and a first Query() call are no longer valid. The server keeps what it needs.
  [[nodiscard]] Request& request() { return request_; }
  [[nodiscard]] const Request& request() const { return request_; }
  [[nodiscard]] Verb method() const { return request_.method(); }
  // The request target as received (path and query, still percent-encoded).
  [[nodiscard]] std::string_view target() const { return request_.target(); }
  // The target up to '?', still percent-encoded; routes match on it.
  [[nodiscard]] std::string_view path() const { return path_; }
  // From the client's X-Request-ID when sane (1..128 printable ASCII characters), else a fresh random
  // one (32 hex digits). Echoed in the response; log it and send it on to upstreams.
  [[nodiscard]] const std::string& request_id() const { return request_id_; }
  // The trace this request belongs to: the trace id of its traceparent (32 hex digits), "" when it has
  // none or an invalid one (never under a Server, which starts a trace for such a request; trace_context.h).
  [[nodiscard]] std::string_view trace_id() const { return {trace_id_.data(), trace_id_size_}; }
  // The peer's IP address (for the gateway: the client; for a service: the gateway).
  [[nodiscard]] std::string_view remote_address() const { return remote_address_; }
  // Distinguishes connections within one server (tests, logs).
  [[nodiscard]] std::uint64_t connection_id() const { return connection_id_; }
  // The matched route pattern, e.g. "/books/{id}"; "" when no route matched (404/405).
  [[nodiscard]] std::string_view route() const;

  // The percent-decoded value of a path parameter of the matched route ("{id}" -> Param("id")).
  // Throws std::logic_error when the route has no such parameter (a programming error: 500).
  [[nodiscard]] std::string Param(std::string_view name) const;
  // A path parameter that must be a positive integer id (1..2^63-1); anything else is 404 "not found",
  // since such a path names no resource.
  [[nodiscard]] std::int64_t IdParam(std::string_view name) const;

  // Query parameters, decoded (Boost.URL params(): "+" is a space, %XX decoded). A malformed query string
  // (bad %-escape) throws 400 on first use.
  // The first value of `name`, or nullopt when absent.
  [[nodiscard]] std::optional<std::string> Query(std::string_view name) const;
  // Every value of `name` in order (?tag=a&tag=b).
  [[nodiscard]] std::vector<std::string> QueryAll(std::string_view name) const;
  // An integer parameter: default when absent or empty; 400 (with "field") when not an integer or outside
  // [min, max].
  [[nodiscard]] std::int64_t QueryInt(std::string_view name, std::int64_t default_value, std::int64_t min,
                                      std::int64_t max) const;
  // true/1/yes/on or false/0/no/off (case-insensitive); default when absent or empty; 400 otherwise.
  [[nodiscard]] bool QueryBool(std::string_view name, bool default_value) const;
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& QueryParams() const;

  // Per-request attributes shared between middlewares and the handler, e.g. the authenticated identity:
  //   ctx.Set("identity", Identity{...});  ...  if (auto* id = ctx.Get<Identity>("identity")) ...
  // Set replaces a previous value of the key. Get returns nullptr when absent or of another type.
  template <typename T>
  void Set(std::string key, T value);
  template <typename T>
  [[nodiscard]] T* Get(std::string_view key);
  template <typename T>
  [[nodiscard]] const T* Get(std::string_view key) const;

  // Starts a streaming reply: sends `head` (status and headers; Content-Length and the body are ignored)
  // with chunked encoding, then the handler writes with EventStream::Write. The Response the handler
  // finally returns is discarded (`co_return Response{};`). After a stream the connection is closed.
  //
  // When the client disconnects or the server stops, every wait of the handler's coroutine (timers,
  // channels, client calls) is cancelled: it throws boost::system::system_error (operation_aborted) or,
  // with as_tuple, yields that error code; IsOpen() becomes false. Letting the exception escape is
  // fine: a stream ended that way is not an error. Thousands of streams cost no thread each.
  // Throws std::logic_error when called twice or outside a server.
  Awaitable<EventStream> StartStream(Response head);
  // StartStream with 200, Content-Type text/event-stream, Cache-Control no-cache and
  // X-Accel-Buffering no. Keep-alive comments (FormatComment) are the handler's choice.
  Awaitable<EventStream> StartEventStream();
  [[nodiscard]] bool streaming() const { return streaming_; }

 private:
  friend class detail::ContextAccess;

  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& ParsedQuery() const;
  std::any* FindAttribute(std::string_view key);
  [[nodiscard]] const std::any* FindAttribute(std::string_view key) const;

  Request request_;
  std::string request_id_;
  std::array<char, 32> trace_id_{};
  std::size_t trace_id_size_ = 0;
  std::string_view remote_address_;
  std::uint64_t connection_id_;
  std::string_view path_;
  const detail::Route* route_ = nullptr;
  std::array<std::string_view, detail::kMaxPathParams> params_{};
  std::size_t param_count_ = 0;
  mutable std::optional<std::vector<std::pair<std::string, std::string>>> query_;
  std::vector<std::pair<std::string, std::any>> attributes_;
  detail::StreamSink* sink_ = nullptr;
  bool streaming_ = false;
};

// The fields that tie a log line to its request, request_id and trace_id, added to `fields`:
//   log::Info("login", http::RequestLogFields(ctx, {{"user_id", id}}));
boost::json::object RequestLogFields(const Context& ctx, boost::json::object fields = {});

template <typename T>
void Context::Set(std::string key, T value) {
  if (auto* existing = FindAttribute(key)) {
    *existing = std::move(value);
    return;
  }
  attributes_.emplace_back(std::move(key), std::any(std::move(value)));
}

template <typename T>
T* Context::Get(std::string_view key) {
  return std::any_cast<T>(FindAttribute(key));
}

template <typename T>
const T* Context::Get(std::string_view key) const {
  return std::any_cast<T>(FindAttribute(key));
}

}  // namespace bookstore::http
