#pragma once
// CSRF protection: every form carries the session's random token in a hidden field named "_csrf"; a POST
// whose field is missing or differs is refused with 403 before any handler runs.

#include <optional>
#include <string_view>

#include "session/session.h"

namespace bookstore::web {

inline constexpr std::string_view kCsrfField = "_csrf";

// Constant-time comparison of the submitted token with the session's.
bool CsrfTokenValid(const Session& session, std::optional<std::string_view> submitted);

}  // namespace bookstore::web
