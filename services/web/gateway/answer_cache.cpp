#include "gateway/answer_cache.h"

#include <charconv>
#include <limits>

namespace bookstore::web {
namespace {

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Delta-seconds (RFC 9111 §1.2.2); nullopt when malformed. Too large a number is the largest.
std::optional<std::int64_t> DeltaSeconds(std::string_view text) {
  text = TrimSpaces(text);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) return std::numeric_limits<std::int32_t>::max();
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::chrono::seconds> SharedLifetime(std::string_view cache_control, std::string_view age,
                                                   bool sets_cookie, bool varies) {
  if (sets_cookie || varies) return std::nullopt;
  bool is_public = false;
  std::optional<std::int64_t> max_age;
  std::optional<std::int64_t> s_maxage;
  while (!cache_control.empty()) {
    const auto comma = cache_control.find(',');
    const std::string_view directive = TrimSpaces(cache_control.substr(0, comma));
    cache_control = comma == std::string_view::npos ? std::string_view() : cache_control.substr(comma + 1);
    const auto equals = directive.find('=');
    const std::string_view name = TrimSpaces(directive.substr(0, equals));
    const std::string_view value = equals == std::string_view::npos ? "" : directive.substr(equals + 1);
    if (EqualsIgnoringCase(name, "public")) {
      is_public = true;
    } else if (EqualsIgnoringCase(name, "private") || EqualsIgnoringCase(name, "no-store") ||
               EqualsIgnoringCase(name, "no-cache")) {
      return std::nullopt;
    } else if (EqualsIgnoringCase(name, "s-maxage")) {
      s_maxage = DeltaSeconds(value);
      if (!s_maxage) return std::nullopt;  // a malformed freshness rule: keep nothing
    } else if (EqualsIgnoringCase(name, "max-age")) {
      max_age = DeltaSeconds(value);
      if (!max_age) return std::nullopt;
    }
  }
  const auto lifetime = s_maxage ? s_maxage : max_age;
  if (!is_public || !lifetime) return std::nullopt;
  const std::int64_t already = age.empty() ? 0 : DeltaSeconds(age).value_or(*lifetime);
  if (already >= *lifetime) return std::nullopt;
  return std::chrono::seconds(*lifetime - already);
}

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
