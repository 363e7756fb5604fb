#pragma once
// The one error type of BookStore's HTTP layer and its mapping to RFC 9457 problem details.
//
// A handler or middleware reports a failure by throwing http::Error (usually through one of the helpers
// below); the server turns anything escaping a handler into an application/problem+json response in one
// place:
//
//   throw Conflict("insufficient stock");
//   -> 409 {"type":"about:blank","title":"Conflict","status":409,"detail":"insufficient stock",
//           "error":"insufficient stock"}
//
//   throw BadRequest("price must be positive", "price");   // adds "field":"price"
//
// Other exceptions escaping a handler:
// - http::UpstreamError (client.h): 503 when the upstream could not be reached, 504 on timeout, 502 when
//   the connection broke after the request was sent;
// - anything else: 500 with the generic detail "internal server error"; the real message is logged with
//   the request id, never sent to the client.

#include <boost/json/object.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bookstore/http/message.h"

namespace bookstore::http {

class Error : public std::runtime_error {
 public:
  // `extra` members are added to the problem body (they must not be named type/title/status/detail/error).
  Error(Status status, std::string detail, boost::json::object extra = {});

  [[nodiscard]] Status status() const noexcept { return status_; }
  [[nodiscard]] const std::string& detail() const noexcept { return detail_; }
  [[nodiscard]] const boost::json::object& extra() const noexcept { return extra_; }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& headers() const noexcept {
    return headers_;
  }

  // Adds a response header to the problem (e.g. Retry-After); chainable on a temporary:
  //   throw TooManyRequests("slow down").WithHeader("Retry-After", "2");
  Error& WithHeader(std::string name, std::string value) &;
  Error&& WithHeader(std::string name, std::string value) &&;

 private:
  Status status_;
  std::string detail_;
  boost::json::object extra_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

// 400; `field`, when given, is added as the member "field" (the JSON field or query parameter at fault).
Error BadRequest(std::string detail, std::string_view field = {});
// 401 with "WWW-Authenticate: Bearer".
Error Unauthorized(std::string detail = "authentication required");
Error Forbidden(std::string detail = "forbidden");
Error NotFound(std::string detail = "not found");
// 405 with the Allow header, e.g. MethodNotAllowed("GET, POST").
Error MethodNotAllowed(std::string_view allow);
Error Conflict(std::string detail);
Error PayloadTooLarge(std::string detail = "request body too large");
Error UnprocessableEntity(std::string detail, std::string_view field = {});
// 429; retry_after_seconds > 0 adds Retry-After; `limit`, when given, is added as the member "limit": the
// setting that was hit (docs/design.md §2), e.g. "LOGIN_FAILURES_PER_IP".
Error TooManyRequests(std::string detail = "too many requests", int retry_after_seconds = 0,
                      std::string_view limit = {});
Error InternalError(std::string detail = "internal server error");
Error BadGateway(std::string detail = "bad gateway");
Error ServiceUnavailable(std::string detail = "service unavailable");
Error GatewayTimeout(std::string detail = "gateway timeout");

// The problem+json response for an error (status, body, and the error's extra headers).
Response ProblemResponse(const Error& error);
Response ProblemResponse(Status status, std::string_view detail, const boost::json::object& extra = {});

}  // namespace bookstore::http
