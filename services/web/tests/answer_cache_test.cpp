#include "gateway/answer_cache.h"

#include <gtest/gtest.h>

namespace bookstore::web {
namespace {

using std::chrono::seconds;
using Clock = AnswerCache::Clock;

std::shared_ptr<const ApiAnswer> Answer(std::int64_t total) {
  return std::make_shared<const ApiAnswer>(
      ApiAnswer{.status = 200, .body = std::make_shared<const boost::json::value>(), .total_count = total});
}

// A live cache without the settle time, unless asked.
std::unique_ptr<AnswerCache> LiveCache(std::size_t bytes = 1000, std::chrono::milliseconds settle = {}) {
  auto cache = std::make_unique<AnswerCache>(bytes, settle);
  cache->SetLive(true);
  return cache;
}

TEST(AnswerCacheTest, ServesWhatItKeptUntilItExpires) {
  auto cache = LiveCache();
  const auto now = Clock::now();
  ASSERT_TRUE(cache->Put("/books/1", *cache->StampNow(now), Answer(1), 100, now + seconds(30)));
  ASSERT_NE(cache->Find("/books/1", now), nullptr);
  EXPECT_EQ(cache->Find("/books/1", now)->total_count, 1);
  EXPECT_EQ(cache->Find("/books/2", now), nullptr);
  EXPECT_EQ(cache->Find("/books/1", now + seconds(30)), nullptr);
  EXPECT_EQ(cache->GetStats().entries, 0U);
}

TEST(AnswerCacheTest, NothingIsKeptOrServedWhileNotLive) {
  AnswerCache cache(1000, {});
  const auto now = Clock::now();
  EXPECT_FALSE(cache.Put("/books", *cache.StampNow(now), Answer(1), 100, now + seconds(30)));
  cache.SetLive(true);
  ASSERT_TRUE(cache.Put("/books", *cache.StampNow(now), Answer(1), 100, now + seconds(30)));
  cache.SetLive(false);
  EXPECT_EQ(cache.Find("/books", now), nullptr);
  cache.SetLive(true);  // events may have been missed meanwhile: what was kept is gone
  EXPECT_EQ(cache.Find("/books", now), nullptr);
}

TEST(AnswerCacheTest, AFetchOvertakenByAnInvalidationIsNotKept) {
  auto cache = LiveCache();
  const auto now = Clock::now();
  const auto stamp = *cache->StampNow(now);
  cache->Clear();  // an event arrives while the answer is on its way
  EXPECT_FALSE(cache->Put("/books", stamp, Answer(1), 100, now + seconds(30)));
  EXPECT_EQ(cache->Find("/books", now), nullptr);
  EXPECT_TRUE(cache->Put("/books", *cache->StampNow(now), Answer(2), 100, now + seconds(30)));
}

TEST(AnswerCacheTest, NothingFetchedWhileSettlingIsKept) {
  auto cache = LiveCache(1000, seconds(2));
  EXPECT_EQ(cache->StampNow(Clock::now()), std::nullopt);  // going live empties it, then it settles
  EXPECT_NE(cache->StampNow(Clock::now() + seconds(3)), std::nullopt);
}

TEST(AnswerCacheTest, DropsTheLeastRecentlyUsedToMakeRoom) {
  auto cache = LiveCache(1000);
  const auto now = Clock::now();
  const auto later = now + seconds(30);
  ASSERT_TRUE(cache->Put("/a", *cache->StampNow(now), Answer(1), 200, later));
  ASSERT_TRUE(cache->Put("/b", *cache->StampNow(now), Answer(2), 200, later));
  ASSERT_TRUE(cache->Put("/c", *cache->StampNow(now), Answer(3), 200, later));
  ASSERT_NE(cache->Find("/a", now), nullptr);  // /b is now the least recently used
  ASSERT_TRUE(cache->Put("/d", *cache->StampNow(now), Answer(4), 250, later));
  ASSERT_TRUE(cache->Put("/e", *cache->StampNow(now), Answer(5), 250, later));
  EXPECT_EQ(cache->Find("/b", now), nullptr);
  EXPECT_NE(cache->Find("/a", now), nullptr);
  EXPECT_LE(cache->GetStats().bytes, 1000U);
  EXPECT_FALSE(cache->Put("/huge", *cache->StampNow(now), Answer(6), 300, later));  // over a quarter
}

TEST(AnswerCacheTest, ReplacingAnAnswerCountsItOnce) {
  auto cache = LiveCache(1000);
  const auto now = Clock::now();
  ASSERT_TRUE(cache->Put("/a", *cache->StampNow(now), Answer(1), 200, now + seconds(30)));
  ASSERT_TRUE(cache->Put("/a", *cache->StampNow(now), Answer(2), 100, now + seconds(30)));
  EXPECT_EQ(cache->GetStats().bytes, 100U);
  EXPECT_EQ(cache->Find("/a", now)->total_count, 2);
}

TEST(AnswerCacheTest, ZeroBytesKeepsNothing) {
  AnswerCache cache(0);
  cache.SetLive(true);
  EXPECT_FALSE(cache.enabled());
  const auto now = Clock::now() + seconds(3);
  EXPECT_FALSE(cache.Put("/a", 0, Answer(1), 1, now + seconds(30)));
}

}  // namespace
}  // namespace bookstore::web
