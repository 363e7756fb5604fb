#include "bookstore/http/response_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace bookstore::http {
namespace {

using Clock = ResponseStore::Clock;
using std::chrono::seconds;

const Clock::time_point kStoredAt = Clock::now();

std::shared_ptr<const CachedResponse> StoredAnswer(const std::string& body, seconds lifetime = seconds(30)) {
  auto cached = std::make_shared<CachedResponse>();
  cached->response.result(Status::ok);
  cached->response.body() = body;
  cached->stored_at = kStoredAt;
  cached->expires_at = kStoredAt + lifetime;
  return cached;
}

std::string BodyOf(const std::shared_ptr<const CachedResponse>& cached) {
  return cached ? cached->response.body() : std::string("<none>");
}

// Stores `body` under `key` as a fetch started now would.
bool Put(ResponseStore& store, const std::string& key, const std::string& body) {
  return store.Put(key, store.StampOf(key), StoredAnswer(body)).stored;
}

TEST(ResponseStoreTest, FindsWhatWasStoredUntilItExpires) {
  ResponseStore store({.capacity_bytes = 1 << 20, .shards = 4});
  EXPECT_EQ(store.Find("/books/1", kStoredAt), nullptr);
  ASSERT_TRUE(Put(store, "/books/1", "one"));
  EXPECT_EQ(BodyOf(store.Find("/books/1", kStoredAt + seconds(29))), "one");
  EXPECT_EQ(store.Find("/books/1", kStoredAt + seconds(30)), nullptr);
  // The expired entry was dropped when found.
  EXPECT_EQ(store.GetStats().entries, 0U);
  EXPECT_EQ(store.GetStats().bytes, 0U);
}

TEST(ResponseStoreTest, KeysAreTargetsExactlyAsReceived) {
  ResponseStore store({.capacity_bytes = 1 << 20, .shards = 4});
  Put(store, "/books?a=1&b=2", "ab");
  EXPECT_EQ(store.Find("/books?b=2&a=1", kStoredAt), nullptr);
  EXPECT_EQ(store.Find("/books", kStoredAt), nullptr);
  EXPECT_EQ(BodyOf(store.Find("/books?a=1&b=2", kStoredAt)), "ab");
}

TEST(ResponseStoreTest, ReplacingAnEntryCountsItOnce) {
  ResponseStore store({.capacity_bytes = 1 << 20, .shards = 1});
  Put(store, "/books/1", "old");
  Put(store, "/books/1", "new");
  EXPECT_EQ(BodyOf(store.Find("/books/1", kStoredAt)), "new");
  EXPECT_EQ(store.GetStats().entries, 1U);
  EXPECT_EQ(store.GetStats().bytes, ResponseStore::EntryBytes("/books/1", StoredAnswer("new")->response));
}

TEST(ResponseStoreTest, EvictsTheLeastRecentlyUsedBeyondTheBudget) {
  const std::string body(1000, 'x');
  const std::size_t entry = ResponseStore::EntryBytes("/books/1", StoredAnswer(body)->response);
  ResponseStore store({.capacity_bytes = 3 * entry, .shards = 1});
  Put(store, "/books/1", body);
  Put(store, "/books/2", body);
  Put(store, "/books/3", body);
  ASSERT_NE(store.Find("/books/1", kStoredAt), nullptr);  // now 2 is the least recently used

  const auto result = store.Put("/books/4", store.StampOf("/books/4"), StoredAnswer(body));
  EXPECT_TRUE(result.stored);
  EXPECT_EQ(result.evicted, 1U);
  EXPECT_EQ(store.Find("/books/2", kStoredAt), nullptr);
  EXPECT_NE(store.Find("/books/1", kStoredAt), nullptr);
  EXPECT_NE(store.Find("/books/3", kStoredAt), nullptr);
  EXPECT_NE(store.Find("/books/4", kStoredAt), nullptr);
  EXPECT_EQ(store.GetStats().bytes, 3 * entry);
}

TEST(ResponseStoreTest, RefusesAnAnswerLargerThanAShardsShare) {
  ResponseStore store({.capacity_bytes = 4096, .shards = 2});
  EXPECT_FALSE(Put(store, "/books", std::string(3000, 'x')));
  EXPECT_TRUE(Put(store, "/books", std::string(1000, 'x')));
}

TEST(ResponseStoreTest, InvalidatingAPathDropsItAndItsQueryVariantsOnly) {
  ResponseStore store({.capacity_bytes = 1 << 20, .shards = 4});
  for (const char* key : {"/books/42", "/books/42?x=1", "/books/43", "/books?limit=5"}) Put(store, key, key);
  store.Invalidate("/books/42");
  EXPECT_EQ(store.Find("/books/42", kStoredAt), nullptr);
  EXPECT_EQ(store.Find("/books/42?x=1", kStoredAt), nullptr);
  EXPECT_EQ(BodyOf(store.Find("/books/43", kStoredAt)), "/books/43");
  EXPECT_EQ(BodyOf(store.Find("/books?limit=5", kStoredAt)), "/books?limit=5");

  store.Invalidate("/books");  // every listing, whatever its query
  EXPECT_EQ(store.Find("/books?limit=5", kStoredAt), nullptr);
  EXPECT_EQ(BodyOf(store.Find("/books/43", kStoredAt)), "/books/43");
  EXPECT_EQ(store.GetStats().entries, 1U);
}

TEST(ResponseStoreTest, AnInvalidationDuringTheFetchKeepsTheOlderAnswerOut) {
  ResponseStore store({.capacity_bytes = 1 << 20, .shards = 4});
  // Before the request leaves for upstream...
  const auto book = store.StampOf("/books/42");
  const auto listing = store.StampOf("/books?limit=100");
  // ... the book changes and its event arrives ...
  store.Invalidate("/books/42");
  store.Invalidate("/books");
  // ... and then the answers, read before the change, come back.
  EXPECT_FALSE(store.Put("/books/42", book, StoredAnswer("old")).stored);
  EXPECT_FALSE(store.Put("/books?limit=100", listing, StoredAnswer("old")).stored);
  EXPECT_EQ(store.Find("/books/42", kStoredAt), nullptr);
  EXPECT_EQ(store.Find("/books?limit=100", kStoredAt), nullptr);
  // A fetch started after the invalidation is kept.
  EXPECT_TRUE(Put(store, "/books/42", "new"));
  EXPECT_EQ(BodyOf(store.Find("/books/42", kStoredAt)), "new");
}

TEST(ResponseStoreTest, AnEntryStampedBeforeAnInvalidationIsNeverServed) {
  // The other order: the invalidation comes after the stamp but before the entry is looked up (e.g. it
  // ran between Put's check and its insertion). The stamp still tells.
  ResponseStore store({.capacity_bytes = 1 << 20, .shards = 4});
  const auto stamp = store.StampOf("/books?limit=100");
  ASSERT_TRUE(store.Put("/books?limit=100", stamp, StoredAnswer("old")).stored);
  store.Invalidate("/books");
  EXPECT_EQ(store.Find("/books?limit=100", kStoredAt), nullptr);
}

TEST(ResponseStoreTest, ClearDropsEverythingIncludingFetchesInFlight) {
  ResponseStore store({.capacity_bytes = 1 << 20, .shards = 4});
  Put(store, "/books/1", "one");
  Put(store, "/orders/2", "two");
  const auto in_flight = store.StampOf("/books/3");
  store.Clear();
  EXPECT_EQ(store.GetStats().entries, 0U);
  EXPECT_EQ(store.GetStats().bytes, 0U);
  EXPECT_EQ(store.Find("/books/1", kStoredAt), nullptr);
  EXPECT_FALSE(store.Put("/books/3", in_flight, StoredAnswer("three")).stored);
}

TEST(ResponseStoreTest, AccountingHoldsUnderConcurrentUse) {
  const std::size_t capacity = 64 * 1024;
  ResponseStore store({.capacity_bytes = capacity, .shards = 4});
  std::atomic<bool> over_budget{false};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, &over_budget, t] {
      for (int i = 0; i < 5000; ++i) {
        const std::string key = "/books/" + std::to_string((i * 7 + t) % 300);
        switch (i % 5) {
          case 0:
            store.Invalidate(PathOf(key));
            break;
          case 1:
          case 2:
            store.Put(key, store.StampOf(key),
                      StoredAnswer(std::string(static_cast<std::size_t>(i % 900), 'b')));
            break;
          default:
            (void)store.Find(key, kStoredAt);
        }
        if (store.GetStats().bytes > 64 * 1024) over_budget = true;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_FALSE(over_budget.load());
  store.Clear();
  EXPECT_EQ(store.GetStats().bytes, 0U);
  EXPECT_EQ(store.GetStats().entries, 0U);
}

TEST(ResponseStoreTest, InvalidatedSinceTellsWhetherAPathWasJustInvalidated) {
  ResponseStore store(ResponseStore::Options{.capacity_bytes = 1 << 20});
  const Clock::time_point before = Clock::now();
  EXPECT_FALSE(store.InvalidatedSince("/books/42", before - seconds(3600)));  // never
  store.Invalidate("/books/42");
  EXPECT_TRUE(store.InvalidatedSince("/books/42?x=1", before));  // by path, any query
  EXPECT_FALSE(store.InvalidatedSince("/books/42", Clock::now() + seconds(1)));
  EXPECT_FALSE(store.InvalidatedSince("/books/43", before));
  store.Clear();
  EXPECT_TRUE(store.InvalidatedSince("/books/43", before));
}

TEST(ResponseStoreTest, PathOfStopsAtTheQuery) {
  EXPECT_EQ(PathOf("/books?limit=1"), "/books");
  EXPECT_EQ(PathOf("/books/42"), "/books/42");
  EXPECT_EQ(PathOf("/books/42?"), "/books/42");
}

}  // namespace
}  // namespace bookstore::http
