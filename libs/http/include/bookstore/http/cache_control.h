#pragma once
// Cache-Control (RFC 9111 §5.2) as BookStore's two shared caches read it: the gateway's response cache and
// web's cache of the gateway's answers. One reading, so the two never disagree on what may be kept.

#include <chrono>
#include <optional>
#include <string_view>

#include "bookstore/http/message.h"

namespace bookstore::http {

struct CacheControl {
  bool is_public = false;
  bool is_private = false;
  bool no_store = false;
  bool no_cache = false;
  // Seconds; a value that is not a non-negative integer counts as 0 (RFC 9111 §4.2.1: treat as stale).
  std::optional<std::chrono::seconds> max_age;
  std::optional<std::chrono::seconds> s_maxage;

  // How long a shared cache may keep the answer: s-maxage, else max-age, else 0.
  [[nodiscard]] std::chrono::seconds SharedLifetime() const;
  // Of a request: no stored copy may answer it (no-cache, or max-age=0: a browser's reload).
  [[nodiscard]] bool WantsCurrentState() const { return no_cache || (max_age && max_age->count() == 0); }
};

// Directive names are case-insensitive; unknown directives and arguments of the flags are ignored
// (`private="Set-Cookie"` still counts as private: when in doubt, do not store).
CacheControl ParseCacheControl(std::string_view value);

// A delta-seconds value (max-age, Age), quoted or not. Anything else is 0: a cache must not keep what it
// cannot read a lifetime for.
std::chrono::seconds DeltaSeconds(std::string_view text);

// Every Cache-Control field of `message` combined (a message may carry several).
template <typename Fields>
CacheControl ReadCacheControl(const Fields& message) {
  CacheControl combined;
  const auto [first, last] = message.equal_range(Field::cache_control);
  for (auto it = first; it != last; ++it) {
    const CacheControl part = ParseCacheControl(it->value());
    combined.is_public |= part.is_public;
    combined.is_private |= part.is_private;
    combined.no_store |= part.no_store;
    combined.no_cache |= part.no_cache;
    if (part.max_age) combined.max_age = part.max_age;
    if (part.s_maxage) combined.s_maxage = part.s_maxage;
  }
  return combined;
}

// How long a shared cache may keep an answer, counted from when it arrived.
struct SharedFreshness {
  std::chrono::seconds lifetime{0};  // s-maxage, else max-age
  std::chrono::seconds age{0};       // the Age it arrived with (0 when absent or unreadable)
  [[nodiscard]] std::chrono::seconds remaining() const { return lifetime - age; }
};

// What a shared cache may keep of `response`: nullopt unless it is a 200 marked public, not private,
// no-store or no-cache, with a lifetime above its Age, and neither sets a cookie nor varies with request
// headers (one entry per target: such an answer is someone's own).
std::optional<SharedFreshness> SharedFreshnessOf(const Response& response);

}  // namespace bookstore::http
