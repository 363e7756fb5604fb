#pragma once
// Catalog's answers to GET /books/{id}, kept in memory so that a read does not go to MariaDB (the gateway
// keeps the same answers, but every gateway replica misses once per book and after each change, and a
// `Cache-Control: no-cache` request always comes through). The entries are this replica's own copy of
// the database, kept coherent with it:
//   - a PUT or DELETE through this replica drops the book's entry after its transaction commits and
//     before it answers, so the writer reads its write at once;
//   - every book.* event (this replica's or another's, and the order saga's reservations) drops the
//     book's entry as it arrives: events are published after their transaction commits, so the next read
//     sees the change. The events come through the replica's bus subscriber (authn::RevocationFeed's
//     per-replica queue), which empties the store after each (re)connection;
//   - entries are served only while that subscriber is connected (changes by other replicas would go
//     unseen otherwise), and for at most CATALOG_BOOK_CACHE_SECONDS (the bound on staleness if the
//     subscriber's queue overflowed);
//   - an invalidation that lands while a miss is reading the database keeps that answer out
//     (http::ResponseStore's generations).
// Other replicas see a change when its event reaches them (milliseconds), as the gateway replicas do.
// Seller names, part of a book's answer, are fixed at registration (no API renames a user).
// Results: catalog_book_answers_total{result="hit|miss"}, catalog_book_answers_bytes.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "bookstore/bus/event.h"
#include "bookstore/http/metrics.h"
#include "bookstore/http/response_store.h"

namespace bookstore::catalog::handlers {

class BookAnswers {
 public:
  struct Options {
    std::size_t capacity_bytes = 32 * 1024 * 1024;  // CATALOG_BOOK_CACHE_BYTES; 0: nothing is kept
    std::chrono::seconds max_age{30};               // CATALOG_BOOK_CACHE_SECONDS
  };
  using Stamp = http::ResponseStore::Stamp;

  explicit BookAnswers(Options options);

  // False when CATALOG_BOOK_CACHE_BYTES or _SECONDS is 0: nothing is kept, and book.* need not come.
  [[nodiscard]] bool Enabled() const { return options_.capacity_bytes > 0 && options_.max_age.count() > 0; }

  // Whether entries may be served: the subscriber that delivers book.* is connected. Set before the
  // server runs; without it nothing is served.
  void FollowFeed(std::function<bool()> feed_connected) { feed_connected_ = std::move(feed_connected); }

  // The stored answer for book `id`, or null.
  [[nodiscard]] std::shared_ptr<const http::CachedResponse> Find(std::int64_t id);
  // Taken before reading the book from the database (see above).
  [[nodiscard]] Stamp StampOf(std::int64_t id) const;
  void Put(std::int64_t id, Stamp stamp, const http::Response& response);

  void Invalidate(std::int64_t id);
  // A book.* event: drops its book's entry (everything, if the event names no book).
  void OnBookEvent(const bus::Event& event);
  void Clear();

 private:
  Options options_;
  http::ResponseStore store_;
  std::function<bool()> feed_connected_;
  http::Counter& hits_;
  http::Counter& misses_;
  http::GaugeRegistration bytes_;  // reads store_: declared after it
};

}  // namespace bookstore::catalog::handlers
