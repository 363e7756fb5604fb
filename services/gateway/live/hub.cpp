#include "live/hub.h"

#include <charconv>

#include "bookstore/http/context.h"
#include "bookstore/http/metrics.h"
#include "bookstore/json/json.h"
#include "bookstore/log/log.h"

namespace bookstore::gateway {

// ---- LiveStream ----

LiveStream::LiveStream(std::int64_t user_id, std::string token_id, std::string client,
                       std::size_t queue_limit, std::function<void()> wake)
    : user_id_(user_id),
      token_id_(std::move(token_id)),
      client_(std::move(client)),
      queue_limit_(queue_limit),
      wake_(std::move(wake)) {}

bool LiveStream::Push(SharedText event) {
  bool wake = false;
  bool overflowed = false;
  {
    std::lock_guard lock(mutex_);
    if (end_ != End::kNone) return true;
    if (queue_.size() >= queue_limit_) {
      queue_.clear();
      end_ = End::kOverflow;
      overflowed = true;
    } else {
      queue_.push_back(std::move(event));
    }
    wake = !notified_;
    notified_ = true;
  }
  Wake(wake);
  return !overflowed;
}

void LiveStream::Finish(End reason) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (end_ != End::kNone) return;
    end_ = reason;
    wake = !notified_;
    notified_ = true;
  }
  Wake(wake);
}

LiveStream::Batch LiveStream::Take() {
  Batch batch;
  std::lock_guard lock(mutex_);
  batch.events.swap(queue_);
  batch.end = end_;
  notified_ = false;
  return batch;
}

void LiveStream::Wake(bool needed) {
  if (needed && wake_) wake_();
}

// ---- LiveHub ----

LiveHub::LiveHub(Options options)
    : options_(options),
      events_counter_(http::Metrics().AddCounter("gateway_live_events_total",
                                                 "Events received for the live streams (GET /events)")),
      dropped_counter_(
          http::Metrics().AddCounter("gateway_live_dropped_streams_total",
                                     "Live streams ended because the client fell too far behind")) {}

LiveHub::Opened LiveHub::Open(std::int64_t user_id, std::string token_id, std::string client,
                              std::function<void()> wake) {
  using Refusal = Opened::Refusal;
  auto stream = std::make_shared<LiveStream>(user_id, std::move(token_id), std::move(client),
                                             options_.queue_limit, std::move(wake));
  std::lock_guard lock(mutex_);
  if (streams_.size() >= options_.max_streams) return {nullptr, Refusal::kFull};
  auto& of_client = per_client_[stream->client()];
  if (of_client >= options_.max_streams_per_client) return {nullptr, Refusal::kClientLimit};
  if (user_id != 0 && by_user_.count(user_id) >= options_.max_streams_per_user) {
    if (of_client == 0) per_client_.erase(stream->client());
    return {nullptr, Refusal::kUserLimit};
  }
  ++of_client;
  streams_.emplace(stream.get(), stream);
  if (user_id != 0) by_user_.emplace(user_id, stream.get());
  return {std::move(stream), Refusal::kNone};
}

void LiveHub::Close(const std::shared_ptr<LiveStream>& stream) {
  if (!stream) return;
  std::lock_guard lock(mutex_);
  if (streams_.erase(stream.get()) == 0) return;
  if (auto it = per_client_.find(stream->client()); it != per_client_.end() && --it->second == 0) {
    per_client_.erase(it);
  }
  if (stream->user_id() == 0) return;
  auto [first, last] = by_user_.equal_range(stream->user_id());
  for (auto it = first; it != last; ++it) {
    if (it->second == stream.get()) {
      by_user_.erase(it);
      break;
    }
  }
}

void LiveHub::Deliver(LiveStream& stream, const SharedText& text) {
  if (stream.Push(text)) {
    delivered_.fetch_add(1, std::memory_order_relaxed);
  } else {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    dropped_counter_.Inc();
    log::Info("live stream dropped: client too slow", {{"user_id", stream.user_id()}});
  }
}

void LiveHub::Publish(const bus::Event& event) {
  const std::string_view type = event.type;
  const bool book = type.starts_with("book.");
  const bool order = type.starts_with("order.");
  if (!book && !order) return;
  events_.fetch_add(1, std::memory_order_relaxed);
  events_counter_.Inc();
  const std::int64_t owner = order ? EventUserId(event) : 0;
  if (order && owner == 0) return;  // an order event names its owner; without one it goes to nobody
  const auto text = std::make_shared<const std::string>(FormatLiveEvent(event));
  std::lock_guard lock(mutex_);
  if (book) {
    for (auto& [raw, stream] : streams_) Deliver(*stream, text);
    return;
  }
  auto [first, last] = by_user_.equal_range(owner);
  for (auto it = first; it != last; ++it) Deliver(*it->second, text);
}

void LiveHub::Revoke(std::string_view token_id, std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  if (user_id != 0) {
    auto [first, last] = by_user_.equal_range(user_id);
    for (auto it = first; it != last; ++it) {
      if (it->second->token_id() == token_id) it->second->Finish(LiveStream::End::kRevoked);
    }
    return;
  }
  for (auto& [raw, stream] : streams_) {
    if (!stream->token_id().empty() && stream->token_id() == token_id) {
      stream->Finish(LiveStream::End::kRevoked);
    }
  }
}

void LiveHub::CloseAll() {
  std::lock_guard lock(mutex_);
  for (auto& [raw, stream] : streams_) stream->Finish(LiveStream::End::kClosed);
}

LiveHub::Stats LiveHub::GetStats() const {
  Stats stats;
  stats.events = events_.load(std::memory_order_relaxed);
  stats.delivered = delivered_.load(std::memory_order_relaxed);
  stats.dropped = dropped_.load(std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  stats.streams = streams_.size();
  return stats;
}

std::string FormatLiveEvent(const bus::Event& event) {
  // Written like the bus writes it: prices stay plain decimals on their way to the browser.
  return http::FormatEvent(json::Serialize(event.data), event.type, event.id);
}

std::int64_t EventUserId(const bus::Event& event) {
  if (!event.data.is_object()) return 0;
  const auto* value = event.data.as_object().if_contains("user_id");
  if (value == nullptr) return 0;
  if (value->is_int64()) return value->as_int64() > 0 ? value->as_int64() : 0;
  if (value->is_uint64()) {
    const auto v = value->as_uint64();
    return v > 0 && v <= static_cast<std::uint64_t>(INT64_MAX) ? static_cast<std::int64_t>(v) : 0;
  }
  if (value->is_string()) {
    const std::string_view text = value->as_string();
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec == std::errc() && end == text.data() + text.size() && id > 0) return id;
  }
  return 0;
}

}  // namespace bookstore::gateway
