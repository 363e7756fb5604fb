#include "bookstore/auth/bearer.h"

#include <algorithm>

namespace bookstore::auth {
namespace {

constexpr std::string_view kScheme = "bearer";

bool IsAsciiAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool IsB64Token(std::string_view token) {
  const auto body_end = token.find_last_not_of('=');
  if (body_end == std::string_view::npos) {
    return false;
  }
  const auto body = token.substr(0, body_end + 1);
  return std::all_of(body.begin(), body.end(), [](char c) {
    return IsAsciiAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  });
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::optional<std::string_view> ExtractBearerToken(std::string_view header_value) {
  while (!header_value.empty() && IsSpace(header_value.front())) {
    header_value.remove_prefix(1);
  }
  while (!header_value.empty() && IsSpace(header_value.back())) {
    header_value.remove_suffix(1);
  }
  if (header_value.size() <= kScheme.size() || !IsSpace(header_value[kScheme.size()])) {
    return std::nullopt;
  }
  const bool scheme_matches = std::equal(kScheme.begin(), kScheme.end(), header_value.begin(),
                                         [](char expected, char c) { return AsciiLower(c) == expected; });
  if (!scheme_matches) {
    return std::nullopt;
  }
  auto token = header_value.substr(kScheme.size());
  while (!token.empty() && IsSpace(token.front())) {
    token.remove_prefix(1);
  }
  if (!IsB64Token(token)) {
    return std::nullopt;  // also refuses a second token after a space
  }
  return token;
}

}  // namespace bookstore::auth
