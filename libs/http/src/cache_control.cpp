#include "bookstore/http/cache_control.h"

#include <boost/beast/core/string.hpp>
#include <charconv>
#include <cstdint>

#include "bookstore/text/utf8.h"

namespace bookstore::http {
namespace {

constexpr std::int64_t kLargestDelta = 2147483648;

std::string_view Trim(std::string_view text) { return text::Trim(text, text::kHttpWhitespace); }

// Splits on commas outside quoted strings.
template <typename Visit>
void ForEachDirective(std::string_view value, Visit visit) {
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size() && value[i] == '"') quoted = !quoted;
    if (i < value.size() && (value[i] != ',' || quoted)) continue;
    const std::string_view directive = Trim(value.substr(start, i - start));
    start = i + 1;
    if (directive.empty()) continue;
    const auto equals = directive.find('=');
    visit(Trim(directive.substr(0, equals)),
          equals == std::string_view::npos ? std::string_view() : Trim(directive.substr(equals + 1)));
  }
}

}  // namespace

std::chrono::seconds DeltaSeconds(std::string_view argument) {
  if (argument.size() >= 2 && argument.front() == '"' && argument.back() == '"') {
    argument = argument.substr(1, argument.size() - 2);
  }
  std::int64_t value = 0;
  const char* end = argument.data() + argument.size();
  const auto [ptr, ec] = std::from_chars(argument.data(), end, value);
  // RFC 9111 §1.2.2: a value too large to represent counts as 2^31 seconds.
  if (ec == std::errc::result_out_of_range && ptr == end) return std::chrono::seconds(kLargestDelta);
  if (argument.empty() || ec != std::errc() || ptr != end || value < 0) return std::chrono::seconds(0);
  return std::chrono::seconds(value);
}

std::chrono::seconds CacheControl::SharedLifetime() const {
  if (s_maxage) return *s_maxage;
  if (max_age) return *max_age;
  return std::chrono::seconds(0);
}

CacheControl ParseCacheControl(std::string_view value) {
  CacheControl parsed;
  ForEachDirective(value, [&parsed](std::string_view name, std::string_view argument) {
    if (boost::beast::iequals(name, "public")) {
      parsed.is_public = true;
    } else if (boost::beast::iequals(name, "private")) {
      parsed.is_private = true;
    } else if (boost::beast::iequals(name, "no-store")) {
      parsed.no_store = true;
    } else if (boost::beast::iequals(name, "no-cache")) {
      parsed.no_cache = true;
    } else if (boost::beast::iequals(name, "max-age")) {
      parsed.max_age = DeltaSeconds(argument);
    } else if (boost::beast::iequals(name, "s-maxage")) {
      parsed.s_maxage = DeltaSeconds(argument);
    }
  });
  return parsed;
}

std::optional<SharedFreshness> SharedFreshnessOf(const Response& response) {
  if (response.result() != Status::ok) return std::nullopt;
  if (response.find(Field::set_cookie) != response.end() || response.find(Field::vary) != response.end()) {
    return std::nullopt;
  }
  const CacheControl directives = ReadCacheControl(response);
  if (!directives.is_public || directives.is_private || directives.no_store || directives.no_cache) {
    return std::nullopt;
  }
  SharedFreshness freshness{.lifetime = directives.SharedLifetime()};
  if (const auto age = response.find(Field::age); age != response.end()) {
    freshness.age = DeltaSeconds(age->value());
  }
  if (freshness.remaining() <= std::chrono::seconds(0)) return std::nullopt;
  return freshness;
}

}  // namespace bookstore::http
