#pragma once
// Small helpers shared by the handlers.

#include <optional>
#include <string>
#include <string_view>

#include "bookstore/http/context.h"
#include "bookstore/http/message.h"

namespace bookstore::orders::handlers {

// The header's value, or nullopt when the request does not have it.
std::optional<std::string_view> OptionalHeader(const http::Context& ctx, std::string_view name);

// The W3C trace context of the request when well-formed, for the events it causes; else "".
std::string TraceParent(const http::Context& ctx);

// Marks an answer given again for a repeated Idempotency-Key.
inline constexpr std::string_view kReplayedHeader = "Idempotent-Replayed";

}  // namespace bookstore::orders::handlers
