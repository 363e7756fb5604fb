#include "handlers/book_answers.h"

#include <algorithm>
#include <string>

#include "bookstore/log/log.h"

namespace bookstore::catalog::handlers {
namespace {

using Clock = http::CachedResponse::Clock;

// Keys are made from the parsed id, so aliases of a path (/books/042) share the entry of /books/42.
std::string KeyOf(std::int64_t id) { return "/books/" + std::to_string(id); }

http::Counter& AnswerCounter(std::string_view result) {
  return http::Metrics().AddCounter("catalog_book_answers_total",
                                    "GET /books/{id} by where the answer came from: hit (memory) or miss",
                                    {{"result", std::string(result)}});
}

}  // namespace

BookAnswers::BookAnswers(Options options)
    : options_(options),
      // A store of no bytes is never used; one byte of budget keeps its shards trivially small.
      store_(
          http::ResponseStore::Options{.capacity_bytes = std::max<std::size_t>(options.capacity_bytes, 1)}),
      hits_(AnswerCounter("hit")),
      misses_(AnswerCounter("miss")),
      bytes_(http::Metrics().AddGaugeFunction(
          "catalog_book_answers_bytes",
          "Memory of the GET /books/{id} answers kept (CATALOG_BOOK_CACHE_BYTES)",
          [this] { return static_cast<double>(store_.GetStats().bytes); })) {}

std::shared_ptr<const http::CachedResponse> BookAnswers::Find(std::int64_t id) {
  if (!Enabled() || !feed_connected_ || !feed_connected_()) {
    misses_.Inc();
    return nullptr;
  }
  auto found = store_.Find(KeyOf(id), Clock::now());
  (found ? hits_ : misses_).Inc();
  return found;
}

BookAnswers::Stamp BookAnswers::StampOf(std::int64_t id) const { return store_.StampOf(KeyOf(id)); }

void BookAnswers::Put(std::int64_t id, Stamp stamp, const http::Response& response) {
  if (!Enabled()) return;
  auto cached = std::make_shared<http::CachedResponse>();
  cached->response = response;
  cached->stored_at = Clock::now();
  cached->expires_at = cached->stored_at + options_.max_age;
  store_.Put(KeyOf(id), stamp, std::move(cached));
}

void BookAnswers::Invalidate(std::int64_t id) { store_.Invalidate(KeyOf(id)); }

void BookAnswers::OnBookEvent(const bus::Event& event) {
  if (const auto id = bus::DataId(event)) {
    Invalidate(*id);
    return;
  }
  log::Warn("book event without an id: book answers cleared", {{"event_id", event.id}, {"type", event.type}});
  Clear();
}

void BookAnswers::Clear() { store_.Clear(); }

}  // namespace bookstore::catalog::handlers
