#pragma once
// Keyed token buckets (Envoy's local rate limit): each key (an email, a client IP) has a bucket of `limit`
// tokens that refills continuously at limit/window, so at most `limit` events pass in a burst and, over
// any longer stretch, `limit` per `window`.
//
// State lives in this process only: with N gateway replicas a client spreading its attempts over all of
// them gets up to N times the limit (a shared store such as Redis would be needed to do better).
// Memory is bounded: a full bucket is the same as no bucket, so full ones are dropped when the table
// grows, and beyond max_keys the key that would be dropped soonest anyway makes room.
//
// Thread-safe: keys are spread over shards, each with its own mutex.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::gateway {

class TokenBuckets {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::int64_t limit = 10;  // tokens per window; 0 disables the limiter (everything passes)
    std::chrono::milliseconds window{std::chrono::minutes(15)};
    std::size_t max_keys = 100'000;
    std::size_t shards = 16;
  };

  struct Decision {
    bool allowed = true;
    // When refused: whole seconds until a token is back (at least 1).
    std::chrono::seconds retry_after{0};
  };

  explicit TokenBuckets(Options options);
  ~TokenBuckets();
  TokenBuckets(const TokenBuckets&) = delete;
  TokenBuckets& operator=(const TokenBuckets&) = delete;

  // Takes a token for `key` when one is left.
  Decision TryAcquire(std::string_view key, Clock::time_point now);
  // Puts back a token taken by TryAcquire (the attempt turned out not to count).
  void Refund(std::string_view key, Clock::time_point now);
  // Whether a token is left, without taking it.
  [[nodiscard]] Decision Peek(std::string_view key, Clock::time_point now);

  [[nodiscard]] bool Enabled() const { return options_.limit > 0; }
  [[nodiscard]] const Options& options() const { return options_; }
  // Keys with a bucket that is not full (for metrics and tests).
  [[nodiscard]] std::size_t Size() const;

 private:
  class Shard;
  Shard& ShardFor(std::string_view key);

  Options options_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace bookstore::gateway
