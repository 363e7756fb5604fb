#include "bookstore/http/response_store.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <list>
#include <mutex>
#include <unordered_map>

namespace bookstore::http {
namespace {

// Per entry beyond its bytes: the list node, the index node, the shared CachedResponse and its fields'
// bookkeeping. An estimate; it only has to keep many tiny entries from looking free.
constexpr std::size_t kEntryOverhead = 256;
// Per header field in Beast's container besides its name and value.
constexpr std::size_t kFieldOverhead = 48;

}  // namespace

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

struct StoreEntry {
  std::string key;
  std::shared_ptr<const CachedResponse> response;
  ResponseStore::Stamp stamp;
  std::size_t bytes = 0;
};

class ResponseStore::Shard {
 public:
  using Entries = std::list<StoreEntry>;

  std::shared_ptr<const CachedResponse> Find(ResponseStore& store, std::string_view key,
                                             Clock::time_point now) {
    Entries dropped;  // destroyed after the lock is released
    std::lock_guard lock(mutex_);
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    const auto entry = it->second;
    if (!store.Current(entry->stamp) || now >= entry->response->expires_at) {
      Drop(store, entry, dropped);
      return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, entry);
    return entry->response;
  }

  // `node` holds the one new entry, built before taking the lock.
  PutResult Put(ResponseStore& store, Entries node, std::size_t capacity) {
    PutResult result;
    Entries dropped;
    std::lock_guard lock(mutex_);
    // Checked under the lock only to spare storing something already stale; Find checks again.
    if (!store.Current(node.front().stamp)) return result;
    if (const auto it = index_.find(node.front().key); it != index_.end()) Drop(store, it->second, dropped);
    // Room first, so that the byte count never exceeds the budget, not even for a moment.
    const std::size_t bytes = node.front().bytes;
    while (!lru_.empty() && bytes_ + bytes > capacity) {
      Drop(store, std::prev(lru_.end()), dropped);
      ++result.evicted;
    }
    lru_.splice(lru_.begin(), node);
    index_.emplace(lru_.front().key, lru_.begin());
    Account(store, static_cast<std::ptrdiff_t>(bytes), 1);
    result.stored = true;
    return result;
  }

  void Erase(ResponseStore& store, std::string_view key) {
    Entries dropped;
    std::lock_guard lock(mutex_);
    if (const auto it = index_.find(key); it != index_.end()) Drop(store, it->second, dropped);
  }

  void Clear(ResponseStore& store) {
    Entries dropped;
    std::lock_guard lock(mutex_);
    Account(store, -static_cast<std::ptrdiff_t>(bytes_), -static_cast<std::ptrdiff_t>(lru_.size()));
    index_.clear();
    dropped.splice(dropped.end(), lru_);
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };

  void Drop(ResponseStore& store, Entries::iterator entry, Entries& dropped) {
    Account(store, -static_cast<std::ptrdiff_t>(entry->bytes), -1);
    index_.erase(entry->key);
    dropped.splice(dropped.end(), lru_, entry);
  }

  void Account(ResponseStore& store, std::ptrdiff_t bytes, std::ptrdiff_t entries) {
    bytes_ = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(bytes_) + bytes);
    store.bytes_.fetch_add(static_cast<std::size_t>(bytes), std::memory_order_relaxed);
    store.entries_.fetch_add(static_cast<std::size_t>(entries), std::memory_order_relaxed);
  }

  std::mutex mutex_;
  Entries lru_;  // most recently used first
  // Keys are views of the entries' own strings (list nodes never move).
  std::unordered_map<std::string_view, Entries::iterator, Hash, std::equal_to<>> index_;
  std::size_t bytes_ = 0;
};

ResponseStore::ResponseStore(Options options)
    : options_(options),
      shard_capacity_(options.capacity_bytes / std::max<std::size_t>(options.shards, 1)),
      // NOLINTNEXTLINE(modernize-avoid-c-arrays): see the members
      shards_(std::make_unique<Shard[]>(std::max<std::size_t>(options.shards, 1))),
      // NOLINTNEXTLINE(modernize-avoid-c-arrays)
      generations_(std::make_unique<std::atomic<std::uint64_t>[]>(kGenerationSlots)),
      // NOLINTNEXTLINE(modernize-avoid-c-arrays)
      invalidated_at_(std::make_unique<std::atomic<Clock::rep>[]>(kGenerationSlots)) {
  const Clock::rep never = Clock::time_point::min().time_since_epoch().count();
  for (std::size_t slot = 0; slot < kGenerationSlots; ++slot) invalidated_at_[slot].store(never);
  options_.shards = std::max<std::size_t>(options_.shards, 1);
}

ResponseStore::~ResponseStore() = default;

ResponseStore::Stamp ResponseStore::StampOf(std::string_view key) const {
  const std::size_t slot = SlotOf(PathOf(key));
  return Stamp{.slot = slot, .generation = generations_[slot].load(std::memory_order_acquire)};
}

std::shared_ptr<const CachedResponse> ResponseStore::Find(std::string_view key, Clock::time_point now) {
  return ShardFor(key).Find(*this, key, now);
}

ResponseStore::PutResult ResponseStore::Put(std::string_view key, Stamp stamp,
                                            std::shared_ptr<const CachedResponse> response) {
  const std::size_t bytes = EntryBytes(key, response->response);
  if (bytes > shard_capacity_) return {};
  Shard::Entries node;
  node.push_back(
      StoreEntry{.key = std::string(key), .response = std::move(response), .stamp = stamp, .bytes = bytes});
  return ShardFor(key).Put(*this, std::move(node), shard_capacity_);
}

void ResponseStore::Invalidate(std::string_view path) {
  const std::size_t slot = SlotOf(path);
  // The counter first: from here on no entry of `path` stamped earlier is served, nor stored.
  generations_[slot].fetch_add(1, std::memory_order_acq_rel);
  invalidated_at_[slot].store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  ShardFor(path).Erase(*this, path);
}

bool ResponseStore::InvalidatedSince(std::string_view key, Clock::time_point since) const {
  const Clock::rep at = invalidated_at_[SlotOf(PathOf(key))].load(std::memory_order_relaxed);
  return at >= since.time_since_epoch().count();
}

void ResponseStore::Clear() {
  const Clock::rep now = Clock::now().time_since_epoch().count();
  for (std::size_t slot = 0; slot < kGenerationSlots; ++slot) {
    generations_[slot].fetch_add(1, std::memory_order_acq_rel);
    invalidated_at_[slot].store(now, std::memory_order_relaxed);
  }
  for (std::size_t i = 0; i < options_.shards; ++i) shards_[i].Clear(*this);
}

ResponseStore::Stats ResponseStore::GetStats() const {
  return Stats{.bytes = bytes_.load(std::memory_order_relaxed),
               .entries = entries_.load(std::memory_order_relaxed)};
}

std::size_t ResponseStore::EntryBytes(std::string_view key, const Response& response) {
  std::size_t bytes = kEntryOverhead + key.size() + response.body().size();
  for (const auto& field : response) {
    bytes += kFieldOverhead + field.name_string().size() + field.value().size();
  }
  return bytes;
}

ResponseStore::Shard& ResponseStore::ShardFor(std::string_view key) const {
  return shards_[std::hash<std::string_view>{}(key) % options_.shards];
}

std::size_t ResponseStore::SlotOf(std::string_view path) const {
  return std::hash<std::string_view>{}(path) % kGenerationSlots;
}

bool ResponseStore::Current(const Stamp& stamp) const {
  return generations_[stamp.slot].load(std::memory_order_acquire) == stamp.generation;
}

}  // namespace bookstore::http
