#include "gateway/answer_cache.h"

namespace bookstore::web {

AnswerCache::AnswerCache(std::size_t capacity_bytes, std::chrono::milliseconds settle)
    : capacity_(capacity_bytes), settle_(settle) {}

std::optional<AnswerCache::Stamp> AnswerCache::StampNow(Clock::time_point now) const {
  const std::scoped_lock lock(mutex_);
  if (now < settled_at_) return std::nullopt;
  return generation_;
}

std::shared_ptr<const ApiAnswer> AnswerCache::Find(std::string_view target, Clock::time_point now) {
  if (capacity_ == 0) return nullptr;
  const std::scoped_lock lock(mutex_);
  if (!live_) return nullptr;
  const auto found = index_.find(target);
  if (found == index_.end()) return nullptr;
  const auto entry = found->second;
  if (entry->expires_at <= now) {
    EraseLocked(entry);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, entry);
  return entry->answer;
}

bool AnswerCache::Put(std::string_view target, Stamp stamp, std::shared_ptr<const ApiAnswer> answer,
                      std::size_t bytes, Clock::time_point expires_at) {
  if (capacity_ == 0 || bytes > capacity_ / 4) return false;  // no single answer takes most of it
  const std::scoped_lock lock(mutex_);
  if (!live_ || stamp != generation_) return false;
  if (const auto found = index_.find(target); found != index_.end()) EraseLocked(found->second);
  while (bytes_ + bytes > capacity_ && !lru_.empty()) EraseLocked(std::prev(lru_.end()));
  lru_.push_front(Entry{std::string(target), std::move(answer), bytes, expires_at});
  index_.emplace(lru_.front().target, lru_.begin());
  bytes_ += bytes;
  return true;
}

void AnswerCache::Clear() {
  const std::scoped_lock lock(mutex_);
  ClearLocked();
}

void AnswerCache::SetLive(bool live) {
  const std::scoped_lock lock(mutex_);
  ClearLocked();  // going live: events may have been missed; going dark: nothing is fresh for sure
  live_ = live;
}

bool AnswerCache::live() const {
  const std::scoped_lock lock(mutex_);
  return live_;
}

AnswerCache::Stats AnswerCache::GetStats() const {
  const std::scoped_lock lock(mutex_);
  return {index_.size(), bytes_};
}

void AnswerCache::EraseLocked(Lru::iterator entry) {
  bytes_ -= entry->bytes;
  index_.erase(entry->target);
  lru_.erase(entry);
}

void AnswerCache::ClearLocked() {
  ++generation_;
  if (settle_.count() > 0) settled_at_ = Clock::now() + settle_;
  index_.clear();
  lru_.clear();
  bytes_ = 0;
}

}  // namespace bookstore::web
