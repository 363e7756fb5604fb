#pragma once
// Answers kept in memory to be served again: by key (a request target), bounded by bytes with
// least-recently-used eviction, and invalidated by path without races. Used by the gateway's response
// cache (services/gateway/filters/response_cache/) and by catalog for its answers to GET /books/{id}
// (services/catalog/handlers/book_answers.h).
//
// Invalidation is by path: Invalidate("/books/42") makes every entry whose key has that path
// ("/books/42", "/books/42?x=1") stale. Each path maps (by hash) to one of kGenerationSlots counters. A
// fetch takes the Stamp of its key *before* it reads the answer (sends the request upstream, queries the
// database); the entry it stores keeps that stamp and is served only while its path's counter still has
// that value. So an invalidation that lands while a miss is being fetched keeps the older answer from
// ever being served, whether it comes before or after the store; two paths sharing a slot only cost each
// other a miss. Stale and expired entries are dropped when looked up (or pushed out by newer ones); the
// entry whose key is exactly the invalidated path is dropped at once.
//
// Thread-safe: keys are spread over shards, each with its own mutex, LRU list and 1/shards of the byte
// budget. Answers are immutable and shared (shared_ptr): a lookup holds the lock for the hash probe and
// the LRU splice only, and nothing is copied under it.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bookstore/http/message.h"

namespace bookstore::http {

// One stored answer, as it will be served again (status, headers, body; without the per-message Date,
// Age and X-Request-ID).
struct CachedResponse {
  using Clock = std::chrono::steady_clock;

  Response response;
  Clock::time_point stored_at;
  std::chrono::seconds age_at_store{0};  // its Age when stored (upstream's Age plus the time in flight)
  Clock::time_point expires_at;
};

class ResponseStore {
 public:
  using Clock = CachedResponse::Clock;
  static constexpr std::size_t kGenerationSlots = 4096;

  struct Options {
    std::size_t capacity_bytes = 64 * 1024 * 1024;
    std::size_t shards = 16;
  };

  // The generation of a key's path when a fetch started (see above).
  struct Stamp {
    std::size_t slot = 0;
    std::uint64_t generation = 0;
  };

  struct PutResult {
    bool stored = false;
    std::size_t evicted = 0;  // older entries dropped to make room
  };

  struct Stats {
    std::size_t bytes = 0;
    std::size_t entries = 0;
  };

  explicit ResponseStore(Options options);
  ~ResponseStore();
  ResponseStore(const ResponseStore&) = delete;
  ResponseStore& operator=(const ResponseStore&) = delete;

  [[nodiscard]] Stamp StampOf(std::string_view key) const;
  // The fresh, valid answer stored under `key`, or null.
  [[nodiscard]] std::shared_ptr<const CachedResponse> Find(std::string_view key, Clock::time_point now);
  // Stores (or replaces) the answer of `key` unless its path was invalidated since `stamp` was taken or
  // it is larger than a shard's share of the budget; evicts the least recently used entries to make room.
  PutResult Put(std::string_view key, Stamp stamp, std::shared_ptr<const CachedResponse> response);
  // Makes every entry of `path` (any query) stale, including those still being fetched.
  void Invalidate(std::string_view path);
  // Drops everything, including what is being fetched.
  void Clear();
  // Whether `key`'s path was invalidated (or the store cleared) at or after `since`. Approximate the
  // same way as the generations: a path sharing its slot with an invalidated one also answers true.
  [[nodiscard]] bool InvalidatedSince(std::string_view key, Clock::time_point since) const;

  [[nodiscard]] Stats GetStats() const;
  // What an entry counts against the budget: key, headers, body and bookkeeping.
  [[nodiscard]] static std::size_t EntryBytes(std::string_view key, const Response& response);

 private:
  class Shard;

  [[nodiscard]] Shard& ShardFor(std::string_view key) const;
  [[nodiscard]] std::size_t SlotOf(std::string_view path) const;
  [[nodiscard]] bool Current(const Stamp& stamp) const;

  Options options_;
  std::size_t shard_capacity_;
  // Arrays sized at start-up of what cannot move (mutexes, atomics): no std::vector.
  std::unique_ptr<Shard[]> shards_;                            // NOLINT(modernize-avoid-c-arrays)
  std::unique_ptr<std::atomic<std::uint64_t>[]> generations_;  // NOLINT(modernize-avoid-c-arrays)
  std::unique_ptr<std::atomic<Clock::rep>[]> invalidated_at_;  // NOLINT(modernize-avoid-c-arrays)
  std::atomic<std::size_t> bytes_{0};
  std::atomic<std::size_t> entries_{0};
};

// The path of a request target: everything before '?'.
std::string_view PathOf(std::string_view target);

}  // namespace bookstore::http
