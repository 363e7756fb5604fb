#include "filters/rate_limit/token_bucket.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace bookstore::gateway {
namespace {

using Nanos = std::chrono::nanoseconds;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

std::chrono::seconds CeilSeconds(Nanos wait) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait);
  return std::max(seconds, std::chrono::seconds(1));
}

}  // namespace

// Each bucket is kept as the moment it will be full again (GCRA's "theoretical arrival time"): one
// number per key, nothing to refill. A token costs `interval_` = window/limit; a bucket may run at most
// `window_` ahead of now.
class TokenBuckets::Shard {
 public:
  Shard(Nanos interval, Nanos window, std::size_t max_keys)
      : interval_(interval), window_(window), max_keys_(std::max<std::size_t>(max_keys, 8)) {}

  Decision TryAcquire(std::string_view key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = full_at_.find(key);
    const Clock::time_point base = it == full_at_.end() ? now : std::max(it->second, now);
    const Clock::time_point next = base + interval_;
    if (next - now > window_) return Refused(next, now);
    if (it == full_at_.end()) {
      MakeRoom(now);
      full_at_.emplace(std::string(key), next);
    } else {
      it->second = next;
    }
    return Decision{};
  }

  void Refund(std::string_view key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = full_at_.find(key);
    if (it == full_at_.end()) return;
    it->second -= interval_;
    if (it->second <= now) full_at_.erase(it);
  }

  Decision Peek(std::string_view key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto it = full_at_.find(key);
    if (it == full_at_.end()) return Decision{};
    const Clock::time_point next = std::max(it->second, now) + interval_;
    if (next - now > window_) return Refused(next, now);
    return Decision{};
  }

  std::size_t Size() {
    std::lock_guard lock(mutex_);
    return full_at_.size();
  }

 private:
  [[nodiscard]] Decision Refused(Clock::time_point next, Clock::time_point now) const {
    return Decision{.allowed = false, .retry_after = CeilSeconds(next - now - window_)};
  }

  // Called before adding a key to a full table: drops the full buckets (they hold no information); when
  // that frees too little, drops arbitrary ones too. Freeing an eighth at a time keeps the scans rare.
  void MakeRoom(Clock::time_point now) {
    if (full_at_.size() < max_keys_) return;
    std::erase_if(full_at_, [now](const auto& entry) { return entry.second <= now; });
    const std::size_t target = max_keys_ - max_keys_ / 8;
    while (full_at_.size() > target) full_at_.erase(full_at_.begin());
  }

  const Nanos interval_;
  const Nanos window_;
  const std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Clock::time_point, StringHash, std::equal_to<>> full_at_;
};

TokenBuckets::TokenBuckets(Options options) : options_(options) {
  if (options_.limit < 0) throw std::invalid_argument("rate limit must not be negative");
  if (options_.limit > 0 && options_.window.count() <= 0) {
    throw std::invalid_argument("rate window must be positive");
  }
  if (options_.shards == 0) options_.shards = 1;
  const Nanos window = options_.window;
  const Nanos interval = options_.limit > 0 ? window / options_.limit : window;
  for (std::size_t i = 0; i < options_.shards; ++i) {
    shards_.push_back(std::make_unique<Shard>(interval, window, options_.max_keys / options_.shards));
  }
}

TokenBuckets::~TokenBuckets() = default;

TokenBuckets::Shard& TokenBuckets::ShardFor(std::string_view key) {
  return *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

TokenBuckets::Decision TokenBuckets::TryAcquire(std::string_view key, Clock::time_point now) {
  if (!Enabled()) return Decision{};
  return ShardFor(key).TryAcquire(key, now);
}

void TokenBuckets::Refund(std::string_view key, Clock::time_point now) {
  if (Enabled()) ShardFor(key).Refund(key, now);
}

TokenBuckets::Decision TokenBuckets::Peek(std::string_view key, Clock::time_point now) {
  if (!Enabled()) return Decision{};
  return ShardFor(key).Peek(key, now);
}

std::size_t TokenBuckets::Size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) total += shard->Size();
  return total;
}

}  // namespace bookstore::gateway
