#include "session/cookie.h"

#include <algorithm>

namespace bookstore::web {
namespace {

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

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
    const std::string_view pair = TrimSpaces(cookie_header.substr(0, end));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && TrimSpaces(pair.substr(0, equals)) == name) {
      std::string_view value = TrimSpaces(pair.substr(equals + 1));
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
