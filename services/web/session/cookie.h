#pragma once
// The session cookie on the wire: finding it in a Cookie header and writing its Set-Cookie line.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::web {

inline constexpr std::string_view kSessionCookieName = "bookstore_session";

// The value of cookie `name` in a Cookie request header ("a=1; b=2"), or nullopt.
std::optional<std::string_view> FindCookie(std::string_view cookie_header, std::string_view name);

// "bookstore_session=<value>; Path=/; Max-Age=<n>; HttpOnly; SameSite=Lax[; Secure]". HttpOnly keeps
// scripts away from the token; Lax keeps it off cross-site POSTs (the CSRF token is the main guard).
std::string SessionCookie(std::string_view value, std::int64_t max_age_seconds, bool secure);

// A Set-Cookie line that deletes the session cookie.
std::string ClearedSessionCookie(bool secure);

}  // namespace bookstore::web
