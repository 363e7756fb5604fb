#pragma once
// Small pieces of HTTP/1.1 the server (and the client) need around Beast's parser: the Date header, request
// ids, the client's address, a message's head, and the framing rules Beast leaves to the caller.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <span>
#include <string>
#include <string_view>

#include "bookstore/http/message.h"

namespace bookstore::http::detail {

// RFC 9110 IMF-fixdate, formatted once per second per thread.
std::string_view HttpDate();

// Random lower-case hex digits into `out` (a per-thread generator seeded from std::random_device).
void FillRandomHex(std::span<char> out);

// A new random request id (32 hex digits).
std::string NewRequestId();

// The client's X-Request-ID when sane (1-128 visible ASCII characters), else a new one.
std::string RequestIdFor(const Request& req);

// Keeps the request's traceparent when valid, else sets a new one (trace_context.h): every request
// served belongs to a trace.
void ContinueOrStartTrace(Request& req);

// The peer's address as text (IPv4-mapped IPv6 addresses as IPv4); "unknown" when the socket has none.
std::string RemoteAddressOf(const boost::asio::ip::tcp::socket& socket);

// The head of `response` (status line, fields, blank line) appended to `out`, byte for byte what Beast's
// serializer writes: the server writes a response as this head and the body in one gather write. Beast's
// serializer walks its buffer sequences through variants per buffer, about 7% of the gateway's samples per
// cache hit (docs/performance.md, scenario 1), and instantiates a write operation of its own per stream
// type.
void AppendResponseHead(const Response& response, std::string& out);

// The head of `request` (request line, fields, blank line) appended to `out`, byte for byte what Beast's
// serializer writes: the client writes a request as this head and the body in one gather write.
// `request` must not be chunked (prepare_payload() gives a string body a Content-Length).
void AppendRequestHead(const Request& request, std::string& out);

// What Serve sets on every response, without freeing and allocating a field that already holds the value:
// a proxied answer arrives with the request's id, the date (within the second) and its Content-Length.
// SetFieldValue sets `name` unless it is there once with `value`; PreparePayload is Beast's
// prepare_payload() unless the Content-Length already is the body's size and no Transfer-Encoding is set.
void SetFieldValue(Response& response, std::string_view name, std::string_view value);
void SetFieldValue(Response& response, Field name, std::string_view value);
void PreparePayload(Response& response);

// 1xx, 204 and 304 responses carry no body.
bool IsBodyless(Status status);

// RFC 9112 §6.1: a request whose Transfer-Encoding is anything but "chunked" has a body of unknown length;
// the only safe answer is 400 and closing (taking it as bodiless would parse the body as the next request).
bool HasUnsupportedTransferCoding(const Request& request);

// A parse error of the request itself (400), rather than the client going away.
bool IsHttpProtocolError(const boost::beast::error_code& ec);

}  // namespace bookstore::http::detail
