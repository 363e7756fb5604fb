#pragma once
// The events auth publishes (docs/events.md), written through the outbox in the transaction of the
// change they announce.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bookstore/bus/event.h"
#include "domain/user.h"

namespace bookstore::auth_service::events {

inline constexpr std::string_view kSource = "auth";

// user.registered {user_id, name, role, created_at} — no email: other services do not need it.
bus::Event UserRegistered(const User& user, std::string traceparent = {});

// auth.token_revoked {jti, user_id, exp} — exp in Unix seconds.
bus::Event TokenRevoked(std::string_view jti, std::int64_t user_id, std::chrono::sys_seconds expires_at,
                        std::string traceparent = {});

}  // namespace bookstore::auth_service::events
