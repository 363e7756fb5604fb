#include "bookstore/auth/token_cache.h"

#include <algorithm>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace bookstore::auth {

using std::chrono::sys_seconds;

// One independently locked LRU: a list in recency order plus an index into it. Index keys are views of
// the tokens held by the list nodes, which never move.
class VerifiedTokenCache::Shard {
 public:
  explicit Shard(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  std::optional<Claims> Find(std::string_view token, sys_seconds now) {
    const std::lock_guard lock(mutex_);
    const auto it = index_.find(token);
    if (it == index_.end()) {
      ++misses_;
      return std::nullopt;
    }
    const auto node = it->second;
    if (now >= node->deadline) {
      index_.erase(it);
      lru_.erase(node);
      ++misses_;
      return std::nullopt;
    }
    lru_.splice(lru_.begin(), lru_, node);
    ++hits_;
    return node->claims;
  }

  void Insert(std::string_view token, const Claims& claims, sys_seconds deadline,
              const std::atomic<std::uint64_t>& current_generation, std::uint64_t generation) {
    const std::lock_guard lock(mutex_);
    // Read under the shard lock: Invalidate bumps the generation before clearing the shards, so either
    // this sees the new generation or the clear runs after this insert.
    if (current_generation.load() != generation) {
      return;
    }
    if (const auto it = index_.find(token); it != index_.end()) {
      it->second->claims = claims;
      it->second->deadline = deadline;
      lru_.splice(lru_.begin(), lru_, it->second);
      return;
    }
    while (lru_.size() >= capacity_) {
      index_.erase(lru_.back().token);
      lru_.pop_back();
      ++evictions_;
    }
    lru_.push_front(Node{std::string(token), claims, deadline});
    index_.emplace(lru_.front().token, lru_.begin());
  }

  void Clear() {
    const std::lock_guard lock(mutex_);
    index_.clear();
    lru_.clear();
  }

  void AddStats(TokenCacheStats& stats) {
    const std::lock_guard lock(mutex_);
    stats.hits += hits_;
    stats.misses += misses_;
    stats.evictions += evictions_;
    stats.size += lru_.size();
  }

 private:
  struct Node {
    std::string token;
    Claims claims;
    sys_seconds deadline;
  };

  const std::size_t capacity_;
  std::mutex mutex_;
  std::list<Node> lru_;
  std::unordered_map<std::string_view, std::list<Node>::iterator> index_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  std::uint64_t evictions_ = 0;
};

VerifiedTokenCache::VerifiedTokenCache() : VerifiedTokenCache(Options{}) {}

VerifiedTokenCache::VerifiedTokenCache(Options options) : options_(options) {
  const std::size_t shard_count = std::clamp<std::size_t>(options_.shards, 1, 256);
  const std::size_t per_shard = (options_.capacity + shard_count - 1) / shard_count;
  shards_.reserve(shard_count);
  for (std::size_t i = 0; i < shard_count; ++i) {
    shards_.push_back(std::make_unique<Shard>(per_shard));
  }
}

VerifiedTokenCache::~VerifiedTokenCache() = default;

VerifiedTokenCache::Shard& VerifiedTokenCache::ShardFor(std::string_view token) {
  // The high bits pick the shard; each shard's hash table uses the value modulo its bucket count.
  const std::size_t hash = std::hash<std::string_view>{}(token);
  return *shards_[(hash >> 32U) % shards_.size()];
}

std::optional<Claims> VerifiedTokenCache::Find(std::string_view token, sys_seconds now) {
  return ShardFor(token).Find(token, now);
}

void VerifiedTokenCache::Insert(std::string_view token, const Claims& claims, sys_seconds now,
                                std::uint64_t generation) {
  const sys_seconds deadline = std::min(claims.expires_at, now + options_.ttl);
  if (deadline <= now) {
    return;
  }
  ShardFor(token).Insert(token, claims, deadline, generation_, generation);
}

std::uint64_t VerifiedTokenCache::Generation() const { return generation_.load(); }

void VerifiedTokenCache::Invalidate() {
  generation_.fetch_add(1);
  for (const auto& shard : shards_) {
    shard->Clear();
  }
}

TokenCacheStats VerifiedTokenCache::Stats() const {
  TokenCacheStats stats;
  for (const auto& shard : shards_) {
    shard->AddStats(stats);
  }
  return stats;
}

}  // namespace bookstore::auth
