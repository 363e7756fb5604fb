#include "filters/response_cache/response_cache.h"

#include <algorithm>
#include <exception>
#include <string>

#include "bookstore/http/cache_control.h"
#include "filters/request_state.h"

namespace bookstore::gateway {
namespace {

using http::Field;
using Clock = http::CachedResponse::Clock;

constexpr std::string_view kHit = "hit";
constexpr std::string_view kMiss = "miss";
constexpr std::string_view kBypass = "bypass";
constexpr std::string_view kBooksPath = "/books";
// How long after an invalidation a miss asks upstream for a fresh answer: far beyond the milliseconds an
// event takes to reach every subscriber, short enough that a busy book still reaches catalog's memory.
constexpr auto kUpstreamRefreshWindow = std::chrono::seconds(10);

http::Counter& RequestCounter(std::string_view result) {
  return http::Metrics().AddCounter(
      "gateway_response_cache_requests_total",
      "Requests by what the response cache did: hit, miss or bypass (not consulted)",
      {{"result", std::string(result)}});
}

// Methods that may change what GET answers (RFC 9110 §9.2.1).
bool IsUnsafe(http::Verb method) {
  switch (method) {
    case http::Verb::get:
    case http::Verb::head:
    case http::Verb::options:
    case http::Verb::trace:
      return false;
    default:
      return true;
  }
}

// The collection a path belongs to: "/books/42" -> "/books"; "" for "/books" itself.
std::string_view CollectionOf(std::string_view path) {
  const auto slash = path.find('/', 1);
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

http::Response HitResponse(const http::CachedResponse& cached, Clock::time_point now) {
  http::Response response = cached.response;
  const auto age =
      cached.age_at_store + std::chrono::duration_cast<std::chrono::seconds>(now - cached.stored_at);
  response.set(Field::age, std::to_string(age.count()));
  return response;
}

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool CacheablePath(std::string_view path) {
  if (path.find('%') != std::string_view::npos) return false;
  std::size_t start = 0;
  while (start < path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    if (segment.size() > 1 && segment.front() == '0' && AllDigits(segment)) return false;
    start = end + 1;
  }
  return true;
}

ResponseCache::ResponseCache(const ResponseCacheOptions& options)
    : store_(http::ResponseStore::Options{.capacity_bytes = options.capacity_bytes}),
      hits_(RequestCounter(kHit)),
      misses_(RequestCounter(kMiss)),
      bypasses_(RequestCounter(kBypass)),
      evictions_(http::Metrics().AddCounter("gateway_response_cache_evictions_total",
                                            "Cached answers dropped to make room (least recently used)")) {
  auto& metrics = http::Metrics();
  gauges_.push_back(
      metrics.AddGaugeFunction("gateway_response_cache_bytes", "Memory counted against RESPONSE_CACHE_BYTES",
                               [this] { return static_cast<double>(store_.GetStats().bytes); }));
  gauges_.push_back(
      metrics.AddGaugeFunction("gateway_response_cache_entries", "Answers in the response cache",
                               [this] { return static_cast<double>(store_.GetStats().entries); }));
}

http::Middleware ResponseCache::Filter() {
  return [this](http::Context& ctx, http::Next next) -> http::Awaitable<http::Response> {
    const http::Verb method = ctx.method();
    if (method == http::Verb::get || method == http::Verb::head) {
      // Unrouted paths (404/405) are answered by the gateway itself: nothing to keep.
      if (!ctx.route().empty() && CacheablePath(ctx.path())) return Lookup(ctx, next);
      return Bypass(ctx, next);
    }
    if (IsUnsafe(method)) return Write(ctx, next);
    return Bypass(ctx, next);
  };
}

void ResponseCache::InvalidateBook(std::int64_t book_id) {
  const std::string path = std::string(kBooksPath) + "/" + std::to_string(book_id);
  Invalidate(path);
  Invalidate(kBooksPath);
}

void ResponseCache::Invalidate(std::string_view path) { store_.Invalidate(path); }

void ResponseCache::Clear() { store_.Clear(); }

http::Awaitable<http::Response> ResponseCache::Lookup(http::Context& ctx, http::Next next) {
  RequestState& state = StateOf(ctx);
  const http::CacheControl directives = http::ReadCacheControl(ctx.request());
  if (directives.no_store) {
    co_return co_await Bypass(ctx, next);
  }
  const bool head = ctx.method() == http::Verb::head;
  const bool refresh = directives.WantsCurrentState();
  const Clock::time_point requested_at = Clock::now();
  if (!refresh) {
    if (auto cached = store_.Find(ctx.target(), requested_at)) {
      state.cache = kHit;
      hits_.Inc();
      co_return HitResponse(*cached, requested_at);
    }
  }
  // Copied now: the router moves the request (and its target) upstream.
  const std::string key(ctx.target());
  // Taken before the request leaves: an invalidation from here on keeps this answer out (race-free).
  const http::ResponseStore::Stamp stamp = store_.StampOf(key);
  state.cache = refresh ? kBypass : kMiss;
  // Just invalidated (a write, a book.* event): an upstream that keeps answers of its own (catalog's
  // book answers) may not have applied the same event yet; ask it for the current state.
  if (!refresh && store_.InvalidatedSince(key, requested_at - kUpstreamRefreshWindow)) {
    ctx.request().set(Field::cache_control, "no-cache");
  }
  http::Response response;
  try {
    response = co_await next(ctx);
  } catch (...) {
    Count(state.cache);
    throw;
  }
  if (ctx.streaming()) state.cache = kBypass;  // GET /events: a stream, not an answer
  Count(state.cache);
  // A HEAD answer has no body to serve a GET with.
  if (!head && !ctx.streaming()) Store(key, stamp, response, requested_at);
  co_return response;
}

http::Awaitable<http::Response> ResponseCache::Write(http::Context& ctx, http::Next next) {
  const std::string path(ctx.path());  // the router moves the request upstream
  http::Response response = co_await Bypass(ctx, next);
  // Only a write that may have happened (RFC 9111 §4.4): refusals must not let anyone empty the cache.
  if (response.result_int() < 400) {
    Invalidate(path);
    if (const std::string_view collection = CollectionOf(path); !collection.empty()) Invalidate(collection);
  }
  co_return response;
}

http::Awaitable<http::Response> ResponseCache::Bypass(http::Context& ctx, http::Next next) {
  StateOf(ctx).cache = kBypass;
  bypasses_.Inc();
  return next(ctx);
}

void ResponseCache::Count(std::string_view result) {
  if (result == kHit) {
    hits_.Inc();
  } else if (result == kMiss) {
    misses_.Inc();
  } else {
    bypasses_.Inc();
  }
}

void ResponseCache::Store(std::string_view key, http::ResponseStore::Stamp stamp,
                          const http::Response& response, Clock::time_point requested_at) {
  const auto freshness = http::SharedFreshnessOf(response);
  if (!freshness) return;

  auto cached = std::make_shared<http::CachedResponse>();
  cached->response = response;
  // Per message: the server sets Date, X-Request-ID and Content-Length again, and a hit its own Age.
  cached->response.erase(Field::date);
  cached->response.erase(Field::age);
  cached->response.erase(Field::content_length);
  cached->response.erase(http::kRequestIdHeader);
  // Counted from when the request left, which errs on the side of expiring early.
  cached->stored_at = requested_at;
  cached->age_at_store = freshness->age;
  cached->expires_at = requested_at + freshness->remaining();
  const auto result = store_.Put(key, stamp, std::move(cached));
  if (result.evicted > 0) evictions_.Inc(static_cast<double>(result.evicted));
}

}  // namespace bookstore::gateway
