// The request path of libs/http's server, on the bytes a client sends over one connection (pipelined
// requests included). Each request is read as the session does it (libs/http/src/session.h, Loop and
// RejectMalformed): Beast's request_parser under ServerOptions' default header and body limits, the
// framing rules of wire.h (HasUnsupportedTransferCoding, IsHttpProtocolError), then what Serve does with
// it: RequestIdFor, a Context (path, query parameters, percent-decoded path parameters, traceparent),
// the router's match against the store's own route patterns, and the JSON body readers of message.h.
//
// Input: the raw bytes of the connection. A first byte >= 0x80 (never the start of a request) is taken
// as a read size instead: the connection then delivers 1 to 128 bytes per read, as a slow client would.
//
// Invariants: a request the session would serve is framed unambiguously (a Transfer-Encoding means a
// chunked body and no Content-Length), its request id is 1-128 visible characters, and routing, path
// parameters and query parsing fail only with http::Error (a 4xx), never with anything else.

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/system/system_error.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bookstore/http/context.h"
#include "bookstore/http/error.h"
#include "bookstore/http/message.h"
#include "bookstore/http/router.h"
#include "bookstore/http/server.h"
#include "bookstore/http/trace_context.h"
#include "check.h"
#include "wire.h"

namespace {

namespace bhttp = boost::beast::http;
using bookstore::http::Context;
using bookstore::http::Field;
using bookstore::http::Request;
using bookstore::http::Verb;

// What the session reads per read_some (kReadChunk in server_core.h).
constexpr std::size_t kReadChunk = 16 * 1024;
// Enough pipelined requests to cover keep-alive without letting one input run for long.
constexpr int kMaxRequests = 16;

// The client's side of the connection: its bytes, at most `chunk` per read, then end of stream.
class ByteSource {
 public:
  ByteSource(std::string_view bytes, std::size_t chunk) : rest_(bytes), chunk_(chunk) {}

  template <typename Buffers>
  std::size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {  // NOLINT
    if (rest_.empty()) {
      ec = boost::asio::error::eof;
      return 0;
    }
    const std::size_t n =
        boost::asio::buffer_copy(buffers, boost::asio::buffer(rest_.data(), std::min(chunk_, rest_.size())));
    rest_.remove_prefix(n);
    ec = {};
    return n;
  }

  template <typename Buffers>
  std::size_t read_some(const Buffers& buffers) {  // NOLINT
    boost::system::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::string_view rest_;
  std::size_t chunk_;
};

struct RouteSpec {
  Verb method;
  std::string_view pattern;
  std::vector<std::string_view> params;
};

// Patterns of the store's services and of the server's built-ins (each shape once).
const std::vector<RouteSpec>& Routes() {
  static const std::vector<RouteSpec> kRoutes = {
      {Verb::get, "/", {}},
      {Verb::get, "/healthz", {}},
      {Verb::get, "/books", {}},
      {Verb::post, "/books", {}},
      {Verb::get, "/books/{id}", {"id"}},
      {Verb::put, "/books/{id}", {"id"}},
      {Verb::delete_, "/books/{id}", {"id"}},
      {Verb::post, "/books/{id}/reserve", {"id"}},
      {Verb::get, "/orders/{id}", {"id"}},
      {Verb::post, "/orders/{id}/pay", {"id"}},
      {Verb::post, "/my/books/{id}/edit", {"id"}},
      {Verb::get, "/.well-known/jwks.json", {}},
      {Verb::get, "/static/{name}", {"name"}},
      {Verb::get, "/users/{user}/books/{book}", {"user", "book"}},
      {Verb::get, "/files/{path...}", {"path"}},
  };
  return kRoutes;
}

const bookstore::http::Router& TheRouter() {
  static const bookstore::http::Router kRouter = [] {
    bookstore::http::Router router;
    for (const auto& route : Routes()) {
      router.Add(route.method, route.pattern,
                 [](Context&) -> bookstore::http::Awaitable<bookstore::http::Response> {
                   co_return bookstore::http::Response{};
                 });
    }
    return router;
  }();
  return kRouter;
}

bool Visible(std::string_view text) {
  for (const char c : text) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

// Serve(): everything the server does with a request before the handler runs, and what handlers do with
// its target and body.
void Serve(Request request) {
  const std::string id = bookstore::http::detail::RequestIdFor(request);
  FUZZ_CHECK(!id.empty() && id.size() <= 128 && Visible(id), "a request id is 1-128 visible characters");

  Context ctx(std::move(request), id, "127.0.0.1", 1);
  const std::string_view target = ctx.target();
  FUZZ_CHECK(target.substr(0, target.find('?')) == ctx.path(), "the path is the target up to '?'");

  const std::string traceparent = bookstore::http::TraceparentOf(ctx);
  FUZZ_CHECK(traceparent.empty() || traceparent.size() == 55, "a kept traceparent has 55 characters");

  std::string allow;
  bool skip_middleware = false;
  const auto* handler = TheRouter().Match(ctx, &allow, &skip_middleware);
  if (handler != nullptr) {
    FUZZ_CHECK(!ctx.route().empty(), "a matched request names its route");
    for (const auto& route : Routes()) {
      if (route.pattern != ctx.route()) continue;
      for (const auto name : route.params) {
        try {
          const std::string value = ctx.Param(name);
          FUZZ_CHECK(name == "path" || !value.empty(), "a {name} parameter is never empty");
          if (name == "id") {
            const std::int64_t number = ctx.IdParam(name);
            FUZZ_CHECK(number > 0, "IdParam is positive");
          }
        } catch (const bookstore::http::Error& e) {
          FUZZ_CHECK(e.status() == bookstore::http::Status::bad_request ||
                         e.status() == bookstore::http::Status::not_found,
                     "a bad path parameter is 400 or 404");
        }
      }
    }
  } else {
    FUZZ_CHECK(ctx.route().empty(), "an unmatched request has no route");
  }

  try {
    const auto& params = ctx.QueryParams();
    (void)params;
    const std::int64_t limit = ctx.QueryInt("limit", 20, 1, 100);
    FUZZ_CHECK(limit >= 1 && limit <= 100, "QueryInt stays within its bounds");
    (void)ctx.QueryBool("in_stock", false);
    (void)ctx.QueryAll("tag");
  } catch (const bookstore::http::Error& e) {
    FUZZ_CHECK(e.status() == bookstore::http::Status::bad_request, "a bad query is 400");
  }

  try {
    const auto body = bookstore::http::ParseJsonObject(ctx.request());
    (void)bookstore::http::OptionalString(body, "title");
    (void)bookstore::http::OptionalInt(body, "quantity");
    (void)bookstore::http::OptionalBool(body, "in_stock");
    (void)bookstore::http::RequiredInt(body, "book_id");
  } catch (const bookstore::http::Error& e) {
    FUZZ_CHECK(e.status() == bookstore::http::Status::bad_request, "a bad body is 400");
  }
}

// Framing as the session relies on it: the parser said where this request ends, and no other reading
// of its headers (a proxy in front) could see another end.
void CheckFraming(const bhttp::request_parser<bhttp::string_body>& parser) {
  const Request& request = parser.get();
  const auto codings = request.count(Field::transfer_encoding);
  if (codings > 0) {
    FUZZ_CHECK(codings == 1, "at most one Transfer-Encoding field is served");
    FUZZ_CHECK(parser.chunked(), "a served request with Transfer-Encoding has a chunked body");
    FUZZ_CHECK(request.count(Field::content_length) == 0, "chunked and Content-Length never together");
  }
  const bookstore::http::ServerOptions defaults;
  FUZZ_CHECK(request.body().size() <= defaults.body_limit, "the body limit holds");
  if (const auto length = parser.content_length()) {
    FUZZ_CHECK(!parser.chunked() && request.body().size() == *length, "Content-Length is the body's size");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::size_t chunk = std::numeric_limits<std::size_t>::max();
  if (!bytes.empty() && static_cast<unsigned char>(bytes.front()) >= 0x80) {
    chunk = 1 + (static_cast<unsigned char>(bytes.front()) & 0x7F);
    bytes.remove_prefix(1);
  }
  ByteSource source(bytes, chunk);
  const bookstore::http::ServerOptions options;
  boost::beast::flat_buffer buffer;

  for (int i = 0; i < kMaxRequests; ++i) {
    if (buffer.size() == 0) {
      boost::system::error_code ec;
      const std::size_t n = source.read_some(buffer.prepare(kReadChunk), ec);
      if (ec) break;  // the client closed
      buffer.commit(n);
    }
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    parser.body_limit(options.body_limit);
    boost::system::error_code ec;
    bhttp::read_header(source, buffer, parser, ec);
    if (!ec && bookstore::http::detail::HasUnsupportedTransferCoding(parser.get())) {
      ec = bhttp::error::bad_transfer_encoding;
    }
    if (!ec && !parser.is_done()) {
      (void)bhttp::token_list(parser.get()[Field::expect]).exists("100-continue");
      bhttp::read(source, buffer, parser, ec);
    }
    if (ec) {
      if (bookstore::http::detail::IsHttpProtocolError(ec) && parser.is_header_done()) {
        // RejectMalformed: a problem answer still carries the request id and logs the path.
        Request request = parser.release();
        const std::string id = bookstore::http::detail::RequestIdFor(request);
        FUZZ_CHECK(!id.empty() && id.size() <= 128 && Visible(id),
                   "a request id is 1-128 visible characters");
        const Context ctx(std::move(request), id, "127.0.0.1", 1);
        (void)ctx.path();
      }
      break;
    }
    CheckFraming(parser);
    Request request = parser.release();
    const bool keep_alive = request.keep_alive();
    Serve(std::move(request));
    if (!keep_alive) break;
  }
  return 0;
}
