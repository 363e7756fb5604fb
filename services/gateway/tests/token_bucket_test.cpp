#include "filters/rate_limit/token_bucket.h"

#include <gtest/gtest.h>

#include <string>

namespace bookstore::gateway {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using Clock = TokenBuckets::Clock;

constexpr Clock::time_point kStart = Clock::time_point{} + std::chrono::hours(1000);

TokenBuckets Buckets(std::int64_t limit, std::chrono::milliseconds window, std::size_t max_keys = 1000) {
  return TokenBuckets({.limit = limit, .window = window, .max_keys = max_keys, .shards = 4});
}

TEST(TokenBucketsTest, AllowsLimitThenRefusesWithRetryAfter) {
  auto buckets = Buckets(10, minutes(15));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(buckets.TryAcquire("a@x", kStart).allowed) << i;
  const auto refused = buckets.TryAcquire("a@x", kStart);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, seconds(90));  // one token back after 15 min / 10
}

TEST(TokenBucketsTest, KeysAreIndependent) {
  auto buckets = Buckets(2, minutes(1));
  EXPECT_TRUE(buckets.TryAcquire("victim", kStart).allowed);
  EXPECT_TRUE(buckets.TryAcquire("victim", kStart).allowed);
  EXPECT_FALSE(buckets.TryAcquire("victim", kStart).allowed);
  EXPECT_TRUE(buckets.TryAcquire("someone else", kStart).allowed);
}

TEST(TokenBucketsTest, RefillsOverTime) {
  auto buckets = Buckets(4, minutes(4));  // a token per minute
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(buckets.TryAcquire("k", kStart).allowed);
  EXPECT_FALSE(buckets.TryAcquire("k", kStart + seconds(59)).allowed);
  EXPECT_TRUE(buckets.TryAcquire("k", kStart + seconds(60)).allowed);
  EXPECT_FALSE(buckets.TryAcquire("k", kStart + seconds(61)).allowed);
  // After a whole window the bucket is full again.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(buckets.TryAcquire("k", kStart + minutes(6)).allowed) << i;
}

TEST(TokenBucketsTest, RetryAfterShrinksAsTimePasses) {
  auto buckets = Buckets(1, minutes(10));
  ASSERT_TRUE(buckets.TryAcquire("k", kStart).allowed);
  EXPECT_EQ(buckets.TryAcquire("k", kStart).retry_after, seconds(600));
  EXPECT_EQ(buckets.TryAcquire("k", kStart + seconds(599)).retry_after, seconds(1));
  EXPECT_EQ(buckets.TryAcquire("k", kStart + std::chrono::milliseconds(599'500)).retry_after, seconds(1));
}

TEST(TokenBucketsTest, RefundGivesATokenBack) {
  auto buckets = Buckets(1, minutes(10));
  ASSERT_TRUE(buckets.TryAcquire("k", kStart).allowed);
  buckets.Refund("k", kStart);
  EXPECT_TRUE(buckets.TryAcquire("k", kStart).allowed);
  EXPECT_FALSE(buckets.TryAcquire("k", kStart).allowed);
}

TEST(TokenBucketsTest, RefundNeverGoesBeyondAFullBucket) {
  auto buckets = Buckets(2, minutes(10));
  buckets.Refund("k", kStart);
  buckets.Refund("k", kStart);
  EXPECT_TRUE(buckets.TryAcquire("k", kStart).allowed);
  EXPECT_TRUE(buckets.TryAcquire("k", kStart).allowed);
  EXPECT_FALSE(buckets.TryAcquire("k", kStart).allowed);
  EXPECT_EQ(buckets.Size(), 1U);
}

TEST(TokenBucketsTest, PeekDoesNotConsume) {
  auto buckets = Buckets(1, minutes(1));
  EXPECT_TRUE(buckets.Peek("k", kStart).allowed);
  EXPECT_TRUE(buckets.Peek("k", kStart).allowed);
  ASSERT_TRUE(buckets.TryAcquire("k", kStart).allowed);
  EXPECT_FALSE(buckets.Peek("k", kStart).allowed);
}

TEST(TokenBucketsTest, ZeroLimitDisables) {
  auto buckets = Buckets(0, minutes(1));
  EXPECT_FALSE(buckets.Enabled());
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(buckets.TryAcquire("k", kStart).allowed);
  EXPECT_EQ(buckets.Size(), 0U);
}

TEST(TokenBucketsTest, MemoryStaysBounded) {
  auto buckets = Buckets(3, minutes(15), /*max_keys=*/64);
  for (int i = 0; i < 10'000; ++i) buckets.TryAcquire("key" + std::to_string(i), kStart);
  EXPECT_LE(buckets.Size(), 64U);
}

TEST(TokenBucketsTest, FullBucketsAreForgottenFirst) {
  auto buckets = Buckets(1, minutes(1), /*max_keys=*/64);  // 16 per shard
  // Keys whose buckets have long filled up again hold no information ...
  for (int i = 0; i < 200; ++i) buckets.TryAcquire("old" + std::to_string(i), kStart - minutes(5));
  ASSERT_TRUE(buckets.TryAcquire("target", kStart).allowed);
  // ... so new keys push those out, not the recent failure.
  for (int i = 0; i < 20; ++i) buckets.TryAcquire("new" + std::to_string(i), kStart + seconds(1));
  EXPECT_FALSE(buckets.TryAcquire("target", kStart + seconds(2)).allowed);
}

TEST(TokenBucketsTest, InvalidOptionsAreRefused) {
  EXPECT_THROW(TokenBuckets({.limit = -1}), std::invalid_argument);
  EXPECT_THROW(TokenBuckets({.limit = 1, .window = std::chrono::milliseconds(0)}), std::invalid_argument);
}

}  // namespace
}  // namespace bookstore::gateway
