#pragma once
// The gateway's public answers, kept by web for anonymous page views (GATEWAY_CACHE_BYTES), the way a
// second replica of the gateway's own response cache would keep them: without it, every page view is a
// round trip to the gateway, whose cost (its HTTP work and web's, both sides' system calls) was most of
// what a page cost once the templates were parsed only once.
//
// What is kept: answers to anonymous GET calls that the gateway marks shared-cacheable, by the rule of the
// gateway's own cache (http::SharedFreshnessOf: status 200, `Cache-Control: public` with s-maxage, else
// max-age, above their Age; not private, no-store or no-cache; no Set-Cookie, no Vary): the catalog's
// books and listings. Parsed once, shared read-only by every page that uses them. Calls with a token never
// use it, so an expired or revoked session still meets the gateway's 401 (and the logout) as before.
//
// Freshness is the gateway's: web follows the gateway's own live events (GET /events, anonymous), and
// every book.* event empties the cache, as it drops the gateway's entries; a write web makes through the
// gateway empties it when its answer comes back (a seller sees the edit at once). While that stream is
// not connected nothing is kept, and connecting empties the cache (events may have been missed). A fetch
// that an event overtakes is not stored (generations), so an answer older than an event is never
// served after it; nor is one fetched during the `settle` time after an emptying: with several gateway
// replicas, the others drop their old answers when the event reaches them, milliseconds later. At worst
// (the gateway vanishes without closing the stream) an answer is served for its s-maxage, the bound the
// gateway gives itself when its broker connection is down.
//
// Thread-safe (one mutex: a hash probe and a list splice per lookup).

#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bookstore::web {

// One answer of the gateway as pages use it.
struct ApiAnswer {
  int status = 0;
  std::shared_ptr<const boost::json::value> body;  // never null (null JSON when there is no body)
  std::int64_t total_count = -1;                   // X-Total-Count, when present
};

class AnswerCache {
 public:
  using Clock = std::chrono::steady_clock;

  // capacity_bytes 0: nothing is ever kept. No answer larger than a quarter of it is kept.
  explicit AnswerCache(std::size_t capacity_bytes,
                       std::chrono::milliseconds settle = std::chrono::seconds(2));

  // A generation, taken before an answer is fetched: an invalidation from then on keeps it out. nullopt:
  // what is fetched now must not be kept (settling after an emptying).
  using Stamp = std::uint64_t;
  [[nodiscard]] std::optional<Stamp> StampNow(Clock::time_point now) const;

  // The answer kept for `target`, if it is fresh and the cache is live.
  [[nodiscard]] std::shared_ptr<const ApiAnswer> Find(std::string_view target, Clock::time_point now);
  // Keeps `answer` for `lifetime` unless something was invalidated since `stamp` or the cache is not
  // live; evicts the least recently used answers to make room. `bytes`: what it counts against the
  // capacity. Returns whether it was kept.
  bool Put(std::string_view target, Stamp stamp, std::shared_ptr<const ApiAnswer> answer, std::size_t bytes,
           Clock::time_point expires_at);

  // Drops everything, including what is being fetched, and what is fetched during the settle time.
  void Clear();
  // Whether web follows the gateway's events; not live: nothing is kept or served.
  void SetLive(bool live);
  [[nodiscard]] bool live() const;
  [[nodiscard]] bool enabled() const { return capacity_ > 0; }

  struct Stats {
    std::size_t entries = 0;
    std::size_t bytes = 0;
  };
  [[nodiscard]] Stats GetStats() const;

 private:
  struct Entry {
    std::string target;
    std::shared_ptr<const ApiAnswer> answer;
    std::size_t bytes = 0;
    Clock::time_point expires_at;
  };
  using Lru = std::list<Entry>;  // most recently used first

  void EraseLocked(Lru::iterator entry);
  void ClearLocked();

  const std::size_t capacity_;
  const std::chrono::milliseconds settle_;
  mutable std::mutex mutex_;
  Lru lru_;
  std::unordered_map<std::string_view, Lru::iterator> index_;  // views of the entries' targets
  std::size_t bytes_ = 0;
  Stamp generation_ = 0;
  Clock::time_point settled_at_;  // before it, nothing fetched is kept
  bool live_ = false;
};

}  // namespace bookstore::web
