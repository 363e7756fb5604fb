#pragma once
// Filter "response_cache" (after authn, before the router): a shared HTTP cache of the public answers the
// services mark as such, kept fresh by the catalog's book.* events, the way a CDN with purge-on-event is.
//
// Stores: GET answers with status 200 whose Cache-Control says `public` with s-maxage (else max-age)
// above 0, for at most that long, without Set-Cookie or Vary, and not marked private, no-store or
// no-cache. The key is the request target exactly as received (path and query). Paths with %-escapes or
// numeric segments with leading zeros are not stored: such aliases of /books/42 would escape its
// invalidation. An Authorization header does not prevent using a `public` answer (RFC 9111 §3.5); bad
// tokens were refused by authn before this filter.
//
// Serves: GET and HEAD (from the GET entry) with the stored status, headers and body plus `Age`; the
// server adds the request's own X-Request-ID and Date. A request with `Cache-Control: no-cache`,
// `max-age=0` is fetched anew (and the new answer stored); `no-store` bypasses the cache.
//
// Invalidation (ResponseStore explains the generations that make it race-free):
//   - book.* events (live/feed.cpp): InvalidateBook(id) drops /books/<id> with its query variants and
//     every listing (/books with any query);
//   - an unsafe request (POST, PUT, PATCH, DELETE) answered below 400 through this replica invalidates
//     its own path and its collection (PUT /books/42: /books/42 and /books) when the answer comes back,
//     so a writer reads its own write here at once, before the event arrives;
//   - Clear() after every broker (re)connection: events missed meanwhile are not replayed.
// Across replicas, another gateway serves the old answer until the event reaches it (milliseconds), and
// at worst for s-maxage if its bus connection is down. For 10 s after its path was invalidated, a miss
// is sent upstream with `Cache-Control: no-cache`: catalog keeps answers in memory too, dropped by the
// same events, and a catalog replica may receive an event after this gateway did; no-cache makes it read
// the database.
//
// Results: `cache` in the access log line, gateway_response_cache_requests_total{result="hit|miss|bypass"}
// (bypass: the cache was not consulted), gateway_response_cache_bytes and _entries gauges,
// gateway_response_cache_evictions_total.

#include <cstdint>
#include <string_view>

#include "bookstore/http/metrics.h"
#include "bookstore/http/response_store.h"
#include "bookstore/http/router.h"

namespace bookstore::gateway {

struct ResponseCacheOptions {
  std::size_t capacity_bytes = 64 * 1024 * 1024;  // 0: the filter is not installed
};

class ResponseCache {
 public:
  explicit ResponseCache(const ResponseCacheOptions& options);

  // The filter; the ResponseCache must outlive the server.
  http::Middleware Filter();

  // A book changed (book.* event): its own entries and every listing.
  void InvalidateBook(std::int64_t book_id);
  // Every entry of `path` (any query).
  void Invalidate(std::string_view path);
  void Clear();

  [[nodiscard]] http::ResponseStore& store() { return store_; }

 private:
  http::Awaitable<http::Response> Lookup(http::Context& ctx, http::Next next);
  http::Awaitable<http::Response> Write(http::Context& ctx, http::Next next);
  http::Awaitable<http::Response> Bypass(http::Context& ctx, http::Next next);
  void Count(std::string_view result);
  void Store(std::string_view key, http::ResponseStore::Stamp stamp, const http::Response& response,
             http::CachedResponse::Clock::time_point requested_at);

  http::ResponseStore store_;
  http::Counter& hits_;
  http::Counter& misses_;
  http::Counter& bypasses_;
  http::Counter& evictions_;
  std::vector<http::GaugeRegistration> gauges_;  // read store_: declared after it, so dropped before it
};

// Whether answers for `path` may be stored: no %-escapes, no numeric segment with a leading zero.
bool CacheablePath(std::string_view path);

}  // namespace bookstore::gateway
