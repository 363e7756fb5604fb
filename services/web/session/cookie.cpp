#include "session/cookie.h"

#include <algorithm>

#include "bookstore/text/utf8.h"

namespace bookstore::web {
namespace {

std::string Attributes(std::int64_t max_age_seconds, bool secure) {
  std::string out = "; Path=/; Max-Age=" + std::to_string(std::max<std::int64_t>(max_age_seconds, 0));
  out += "; HttpOnly; SameSite=Lax";
  if (secure) {
    out += "; Secure";
  }
  return out;
}

}  // namespace

std::optional<std::string_view> FindCookie(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const auto end = cookie_header.find(';');
    const std::string_view pair = text::Trim(cookie_header.substr(0, end), text::kHttpWhitespace);
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos &&
        text::Trim(pair.substr(0, equals), text::kHttpWhitespace) == name) {
      std::string_view value = text::Trim(pair.substr(equals + 1), text::kHttpWhitespace);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
    if (end == std::string_view::npos) {
      break;
    }
    cookie_header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::string SessionCookie(std::string_view value, std::int64_t max_age_seconds, bool secure) {
  return std::string(kSessionCookieName) + "=" + std::string(value) + Attributes(max_age_seconds, secure);
}

std::string ClearedSessionCookie(bool secure) {
  return std::string(kSessionCookieName) + "=" + Attributes(0, secure);
}

}  // namespace bookstore::web
