#pragma once
// Small helpers shared by the handlers.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "bookstore/http/context.h"
#include "bookstore/http/message.h"

namespace bookstore::orders::handlers {

// JSON with exact amounts (domain/json_text.h).
http::Response ExactJson(const boost::json::value& body, http::Status status = http::Status::ok);

// A problem+json response (the shape of http::Error's, DESIGN §2) with exact amounts in `extra`.
http::Response ExactProblem(http::Status status, const std::string& detail,
                            const boost::json::object& extra = {});

// The header's value, or nullopt when the request does not have it.
std::optional<std::string_view> OptionalHeader(const http::Context& ctx, std::string_view name);

// The W3C trace context of the request when well-formed, for the events it causes; else "".
std::string TraceParent(const http::Context& ctx);

// Marks an answer given again for a repeated Idempotency-Key.
inline constexpr std::string_view kReplayedHeader = "Idempotent-Replayed";

}  // namespace bookstore::orders::handlers
