#pragma once
// Small helpers shared by the handlers.

#include <optional>
#include <string>
#include <string_view>

#include "bookstore/http/context.h"
#include "bookstore/http/message.h"
#include "bookstore/http/trace_context.h"

namespace bookstore::orders::handlers {

// The header's value, or nullopt when the request does not have it.
std::optional<std::string_view> OptionalHeader(const http::Context& ctx, std::string_view name);

// Marks an answer given again for a repeated Idempotency-Key.
inline constexpr std::string_view kReplayedHeader = "Idempotent-Replayed";

}  // namespace bookstore::orders::handlers
