#pragma once
// HTTP messages as every BookStore component sees them, and helpers to build JSON responses and read JSON
// request bodies.
//
// Request and Response are Boost.Beast messages with a std::string body. A handler builds its reply with
// the helpers below; the server sets Content-Length, Date, X-Request-ID, the HTTP version and keep-alive
// itself, so a handler never needs to.
//
//   co_return JsonResponse(boost::json::object{{"id", 42}}, Status::created);
//   auto body = ParseJsonObject(ctx.request());            // 400 problem when not a JSON object
//   auto email = RequiredString(body, "email");             // 400 problem naming the field

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using ResponseHead = boost::beast::http::response_header<>;
using Status = boost::beast::http::status;
using Verb = boost::beast::http::verb;
using Field = boost::beast::http::field;

// The request id's header: taken from the client when sane, echoed in every answer, passed upstream.
inline constexpr std::string_view kRequestIdHeader = "X-Request-ID";

// Every handler, middleware and client call is a C++20 coroutine on Boost.Asio.
template <typename T>
using Awaitable = boost::asio::awaitable<T>;

inline constexpr std::string_view kJsonContentType = "application/json";
inline constexpr std::string_view kProblemContentType = "application/problem+json";

// 200 (or `status`) with Content-Type application/json and the value written by json::Serialize, so
// amounts (money::ToJson) print as exact decimals.
Response JsonResponse(const boost::json::value& body, Status status = Status::ok);

// A response with the given body and content type.
Response TextResponse(std::string body, Status status = Status::ok,
                      std::string_view content_type = "text/plain; charset=utf-8");

// A response without a body (204 by default).
Response EmptyResponse(Status status = Status::no_content);

// A fixed body under its ETag (a quoted hash): 304 with the ETag alone when the request's If-None-Match
// names it, otherwise 200 with the body, its content type, the ETag and `cache_control`.
Response RevalidatedResponse(const Request& request, std::string_view body, std::string_view etag,
                             std::string_view content_type, std::string_view cache_control);

// Parses the request body as JSON. Throws http::Error 400 ("request body is not valid JSON") otherwise.
// The Content-Type header is not checked.
boost::json::value ParseJson(const Request& request);

// Like ParseJson, but the body must be a JSON object (400 "request body must be a JSON object").
boost::json::object ParseJsonObject(const Request& request);

// Field readers for a parsed body. Each throws http::Error 400 with the member "field" naming the field
// when it is missing (Required*), null is treated as missing, or it has the wrong type.
// Integers must be JSON integers (12, not 12.0 or "12").
std::string RequiredString(const boost::json::object& body, std::string_view field);
std::optional<std::string> OptionalString(const boost::json::object& body, std::string_view field);
std::int64_t RequiredInt(const boost::json::object& body, std::string_view field);
std::optional<std::int64_t> OptionalInt(const boost::json::object& body, std::string_view field);
std::optional<bool> OptionalBool(const boost::json::object& body, std::string_view field);

}  // namespace bookstore::http
