#include "bookstore/http/message.h"

#include <boost/beast/http/status.hpp>
#include <boost/json/parse.hpp>

#include "bookstore/http/error.h"
#include "bookstore/json/json.h"

namespace bookstore::http {
namespace {

const boost::json::value* FindField(const boost::json::object& body, std::string_view field) {
  const auto* value = body.if_contains(field);
  if (value == nullptr || value->is_null()) return nullptr;
  return value;
}

[[noreturn]] void ThrowWrongType(std::string_view field, std::string_view expected) {
  throw BadRequest(std::string(field) + " must be " + std::string(expected), field);
}

}  // namespace

Response JsonResponse(const boost::json::value& body, Status status) {
  Response res{status, 11};
  res.set(Field::content_type, kJsonContentType);
  res.body() = json::Serialize(body);
  return res;
}

Response TextResponse(std::string body, Status status, std::string_view content_type) {
  Response res{status, 11};
  res.set(Field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

Response EmptyResponse(Status status) { return Response{status, 11}; }

Response RevalidatedResponse(const Request& request, std::string_view body, std::string_view etag,
                             std::string_view content_type, std::string_view cache_control) {
  if (request[Field::if_none_match] == etag) {
    Response not_modified{Status::not_modified, 11};
    not_modified.set(Field::etag, etag);
    return not_modified;
  }
  auto response = TextResponse(std::string(body), Status::ok, content_type);
  response.set(Field::etag, etag);
  response.set(Field::cache_control, cache_control);
  return response;
}

boost::json::value ParseJson(const Request& request) {
  boost::system::error_code ec;
  auto value = boost::json::parse(request.body(), ec);
  if (ec) throw BadRequest("request body is not valid JSON");
  return value;
}

boost::json::object ParseJsonObject(const Request& request) {
  auto value = ParseJson(request);
  if (!value.is_object()) throw BadRequest("request body must be a JSON object");
  return std::move(value.as_object());
}

std::optional<std::string> OptionalString(const boost::json::object& body, std::string_view field) {
  const auto* value = FindField(body, field);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) ThrowWrongType(field, "a string");
  return std::string(value->get_string());
}

std::string RequiredString(const boost::json::object& body, std::string_view field) {
  auto value = OptionalString(body, field);
  if (!value) throw BadRequest(std::string(field) + " is required", field);
  return std::move(*value);
}

std::optional<std::int64_t> OptionalInt(const boost::json::object& body, std::string_view field) {
  const auto* value = FindField(body, field);
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64()) ThrowWrongType(field, "an integer in range");
  ThrowWrongType(field, "an integer");
}

std::int64_t RequiredInt(const boost::json::object& body, std::string_view field) {
  auto value = OptionalInt(body, field);
  if (!value) throw BadRequest(std::string(field) + " is required", field);
  return *value;
}

std::optional<bool> OptionalBool(const boost::json::object& body, std::string_view field) {
  const auto* value = FindField(body, field);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) ThrowWrongType(field, "true or false");
  return value->get_bool();
}

// ---- errors ----

Error::Error(Status status, std::string detail, boost::json::object extra)
    : std::runtime_error(detail), status_(status), detail_(std::move(detail)), extra_(std::move(extra)) {}

Error& Error::WithHeader(std::string name, std::string value) & {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Error&& Error::WithHeader(std::string name, std::string value) && {
  headers_.emplace_back(std::move(name), std::move(value));
  return std::move(*this);
}

namespace {
Error WithField(Status status, std::string detail, std::string_view field) {
  boost::json::object extra;
  if (!field.empty()) extra["field"] = field;
  return {status, std::move(detail), std::move(extra)};
}
}  // namespace

Error BadRequest(std::string detail, std::string_view field) {
  return WithField(Status::bad_request, std::move(detail), field);
}
Error Unauthorized(std::string detail) {
  return Error(Status::unauthorized, std::move(detail)).WithHeader("WWW-Authenticate", "Bearer");
}
Error Forbidden(std::string detail) { return {Status::forbidden, std::move(detail)}; }
Error NotFound(std::string detail) { return {Status::not_found, std::move(detail)}; }
Error MethodNotAllowed(std::string_view allow) {
  return Error(Status::method_not_allowed, "method not allowed").WithHeader("Allow", std::string(allow));
}
Error Conflict(std::string detail) { return {Status::conflict, std::move(detail)}; }
Error PayloadTooLarge(std::string detail) { return {Status::payload_too_large, std::move(detail)}; }
Error UnprocessableEntity(std::string detail, std::string_view field) {
  return WithField(Status::unprocessable_entity, std::move(detail), field);
}
Error TooManyRequests(std::string detail, int retry_after_seconds, std::string_view limit) {
  boost::json::object extra;
  if (!limit.empty()) extra["limit"] = limit;
  Error error(Status::too_many_requests, std::move(detail), std::move(extra));
  if (retry_after_seconds > 0) error.WithHeader("Retry-After", std::to_string(retry_after_seconds));
  return error;
}
Error InternalError(std::string detail) { return {Status::internal_server_error, std::move(detail)}; }
Error BadGateway(std::string detail) { return {Status::bad_gateway, std::move(detail)}; }
Error ServiceUnavailable(std::string detail) { return {Status::service_unavailable, std::move(detail)}; }
Error GatewayTimeout(std::string detail) { return {Status::gateway_timeout, std::move(detail)}; }

Response ProblemResponse(Status status, std::string_view detail, const boost::json::object& extra) {
  boost::json::object body;
  body.reserve(extra.size() + 5);
  body["type"] = "about:blank";
  const auto reason = boost::beast::http::obsolete_reason(status);
  body["title"] = std::string_view(reason.data(), reason.size());
  body["status"] = static_cast<int>(status);
  body["detail"] = detail;
  body["error"] = detail;
  for (const auto& member : extra) {
    if (!body.contains(member.key())) body[member.key()] = member.value();
  }
  Response res{status, 11};
  res.set(Field::content_type, kProblemContentType);
  res.body() = json::Serialize(body);
  return res;
}

Response ProblemResponse(const Error& error) {
  auto res = ProblemResponse(error.status(), error.detail(), error.extra());
  for (const auto& [name, value] : error.headers()) res.set(name, value);
  return res;
}

}  // namespace bookstore::http
