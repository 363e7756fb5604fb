#include "bookstore/auth/revocation.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace bookstore::auth {
namespace {

constexpr std::size_t kShards = 16;
constexpr std::size_t kFirstSweepSize = 64;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

class RevocationSet::Shard {
 public:
  // `total` is updated under the shard lock, so it never counts less than the entries present: a check
  // that reads 0 cannot miss an established revocation.
  void Revoke(std::string_view token_id, std::chrono::sys_seconds expires_at, std::chrono::sys_seconds now,
              std::atomic<std::size_t>& total) {
    const std::lock_guard lock(mutex_);
    // Sweeping whenever the shard has doubled since the last sweep keeps the cost amortised O(1).
    if (expiry_.size() >= next_sweep_size_) {
      SweepLocked(now, total);
      next_sweep_size_ = std::max(kFirstSweepSize, expiry_.size() * 2);
    }
    const auto [it, inserted] = expiry_.try_emplace(std::string(token_id), expires_at);
    if (inserted) {
      total.fetch_add(1);
    } else {
      it->second = std::max(it->second, expires_at);
    }
  }

  bool Contains(std::string_view token_id) const {
    const std::lock_guard lock(mutex_);
    return expiry_.find(token_id) != expiry_.end();
  }

  void Sweep(std::chrono::sys_seconds now, std::atomic<std::size_t>& total) {
    const std::lock_guard lock(mutex_);
    SweepLocked(now, total);
  }

 private:
  void SweepLocked(std::chrono::sys_seconds now, std::atomic<std::size_t>& total) {
    total.fetch_sub(std::erase_if(expiry_, [now](const auto& entry) { return entry.second <= now; }));
  }

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::chrono::sys_seconds, StringHash, std::equal_to<>> expiry_;
  std::size_t next_sweep_size_ = kFirstSweepSize;
};

RevocationSet::RevocationSet() {
  shards_.reserve(kShards);
  for (std::size_t i = 0; i < kShards; ++i) {
    shards_.push_back(std::make_unique<Shard>());
  }
}

RevocationSet::~RevocationSet() = default;

RevocationSet::Shard& RevocationSet::ShardFor(std::string_view token_id) const {
  return *shards_[std::hash<std::string_view>{}(token_id) % shards_.size()];
}

void RevocationSet::Revoke(std::string_view token_id, std::chrono::sys_seconds expires_at,
                           std::chrono::sys_seconds now) {
  if (expires_at <= now) {
    return;
  }
  ShardFor(token_id).Revoke(token_id, expires_at, now, size_);
}

bool RevocationSet::IsRevoked(std::string_view token_id) const {
  // Revocations are rare: most of the time the set is empty and a check costs this one load.
  if (size_.load(std::memory_order_acquire) == 0) {
    return false;
  }
  return ShardFor(token_id).Contains(token_id);
}

void RevocationSet::DropExpired(std::chrono::sys_seconds now) {
  for (const auto& shard : shards_) {
    shard->Sweep(now, size_);
  }
}

std::size_t RevocationSet::Size() const { return size_.load(); }

}  // namespace bookstore::auth
