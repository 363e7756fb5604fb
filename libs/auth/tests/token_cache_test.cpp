#include "bookstore/auth/token_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "bookstore/auth/jwt.h"
#include "bookstore/auth/revocation.h"
#include "bookstore/auth/token_verifier.h"

namespace bookstore::auth {
namespace {

using namespace std::chrono_literals;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr sys_seconds kFixedNow{seconds(1'750'000'000)};

Claims ClaimsFor(std::int64_t user, sys_seconds now = kFixedNow, std::chrono::seconds ttl = 1h) {
  return NewClaims("bookstore-auth", "bookstore", user, "user " + std::to_string(user), Role::kUser, now,
                   ttl);
}

TEST(VerifiedTokenCacheTest, ReturnsWhatWasInserted) {
  VerifiedTokenCache cache;
  const auto claims = ClaimsFor(1);
  EXPECT_EQ(cache.Find("tok", kFixedNow), std::nullopt);
  cache.Insert("tok", claims, kFixedNow, cache.Generation());
  EXPECT_EQ(cache.Find("tok", kFixedNow), claims);
  EXPECT_EQ(cache.Find("tok2", kFixedNow), std::nullopt);
  const auto stats = cache.Stats();
  EXPECT_EQ(stats.hits, 1U);
  EXPECT_EQ(stats.misses, 2U);
  EXPECT_EQ(stats.size, 1U);
}

TEST(VerifiedTokenCacheTest, EntriesExpireAtTheTtl) {
  VerifiedTokenCache cache(VerifiedTokenCache::Options{.capacity = 100, .ttl = 60s, .shards = 4});
  cache.Insert("tok", ClaimsFor(1), kFixedNow, cache.Generation());
  EXPECT_TRUE(cache.Find("tok", kFixedNow + 59s).has_value());
  EXPECT_FALSE(cache.Find("tok", kFixedNow + 60s).has_value());
  EXPECT_EQ(cache.Stats().size, 0U) << "an expired entry is dropped when found";
}

TEST(VerifiedTokenCacheTest, EntriesExpireWithTheTokenWhenThatIsSooner) {
  VerifiedTokenCache cache(VerifiedTokenCache::Options{.capacity = 100, .ttl = 600s, .shards = 4});
  cache.Insert("tok", ClaimsFor(1, kFixedNow - 1h, 1h + 10s), kFixedNow, cache.Generation());
  EXPECT_TRUE(cache.Find("tok", kFixedNow + 9s).has_value());
  EXPECT_FALSE(cache.Find("tok", kFixedNow + 10s).has_value());
  cache.Insert("dead", ClaimsFor(1, kFixedNow - 2h, 1h), kFixedNow, cache.Generation());
  EXPECT_EQ(cache.Stats().size, 0U) << "an already expired token is not stored";
}

TEST(VerifiedTokenCacheTest, StaysWithinCapacityDroppingTheLeastRecentlyUsed) {
  VerifiedTokenCache cache(VerifiedTokenCache::Options{.capacity = 8, .ttl = 60s, .shards = 1});
  for (int i = 0; i < 8; ++i) {
    cache.Insert("tok" + std::to_string(i), ClaimsFor(i + 1), kFixedNow, cache.Generation());
  }
  ASSERT_TRUE(cache.Find("tok0", kFixedNow).has_value());  // now the most recently used
  for (int i = 8; i < 12; ++i) {
    cache.Insert("tok" + std::to_string(i), ClaimsFor(i + 1), kFixedNow, cache.Generation());
  }
  const auto stats = cache.Stats();
  EXPECT_EQ(stats.size, 8U);
  EXPECT_EQ(stats.evictions, 4U);
  EXPECT_TRUE(cache.Find("tok0", kFixedNow).has_value());
  EXPECT_FALSE(cache.Find("tok1", kFixedNow).has_value());
  EXPECT_TRUE(cache.Find("tok11", kFixedNow).has_value());
}

TEST(VerifiedTokenCacheTest, CapacityIsSharedAcrossShards) {
  VerifiedTokenCache cache(VerifiedTokenCache::Options{.capacity = 64, .ttl = 60s, .shards = 8});
  for (int i = 0; i < 1000; ++i) {
    cache.Insert("tok" + std::to_string(i), ClaimsFor(i + 1), kFixedNow, cache.Generation());
  }
  EXPECT_LE(cache.Stats().size, 64U);
  EXPECT_GT(cache.Stats().size, 32U);
}

TEST(VerifiedTokenCacheTest, InvalidateDropsEntriesAndStaleInserts) {
  VerifiedTokenCache cache;
  cache.Insert("tok", ClaimsFor(1), kFixedNow, cache.Generation());
  const auto before = cache.Generation();
  cache.Invalidate();
  EXPECT_FALSE(cache.Find("tok", kFixedNow).has_value());
  cache.Insert("late", ClaimsFor(2), kFixedNow, before);  // verified with the keys of before Invalidate
  EXPECT_FALSE(cache.Find("late", kFixedNow).has_value());
  cache.Insert("fresh", ClaimsFor(3), kFixedNow, cache.Generation());
  EXPECT_TRUE(cache.Find("fresh", kFixedNow).has_value());
}

TEST(VerifiedTokenCacheTest, ConcurrentLookupsAndInsertsStayConsistent) {
  VerifiedTokenCache cache(VerifiedTokenCache::Options{.capacity = 256, .ttl = 60s, .shards = 16});
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, &wrong, t] {
      for (int i = 0; i < 5000; ++i) {
        const int user = (i * 7 + t) % 512 + 1;
        const std::string token = "tok" + std::to_string(user);
        if (auto found = cache.Find(token, kFixedNow)) {
          if (found->UserId() != user) {
            ++wrong;
          }
        } else {
          cache.Insert(token, ClaimsFor(user), kFixedNow, cache.Generation());
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(cache.Stats().size, 256U);
  EXPECT_EQ(cache.Stats().hits + cache.Stats().misses, 20000U);
}

TEST(RevocationSetTest, RevokesUntilExpiry) {
  RevocationSet revoked;
  EXPECT_FALSE(revoked.IsRevoked("jti-1"));
  revoked.Revoke("jti-1", kFixedNow + 1h, kFixedNow);
  EXPECT_TRUE(revoked.IsRevoked("jti-1"));
  EXPECT_FALSE(revoked.IsRevoked("jti-2"));
  revoked.Revoke("jti-old", kFixedNow - 1s, kFixedNow);
  EXPECT_FALSE(revoked.IsRevoked("jti-old")) << "an expired token needs no revocation";
  EXPECT_EQ(revoked.Size(), 1U);
  revoked.DropExpired(kFixedNow + 1h);
  EXPECT_EQ(revoked.Size(), 0U);
  EXPECT_FALSE(revoked.IsRevoked("jti-1"));
}

TEST(RevocationSetTest, GrowthSweepsExpiredEntries) {
  RevocationSet revoked;
  for (int i = 0; i < 5000; ++i) {
    const sys_seconds now = kFixedNow + seconds(i);
    revoked.Revoke("jti-" + std::to_string(i), now + 10s, now);
  }
  // Only the last ten are still live; sweeping on growth kept the rest from piling up.
  EXPECT_LT(revoked.Size(), 2500U);
  EXPECT_TRUE(revoked.IsRevoked("jti-4999"));
  revoked.DropExpired(kFixedNow + 5000s);
  EXPECT_EQ(revoked.Size(), 9U);
}

class TokenVerifierTest : public testing::Test {
 protected:
  static TokenVerifier::Options Options() {
    return TokenVerifier::Options{.issuer = "bookstore-auth",
                                  .audience = "bookstore",
                                  .leeway = 30s,
                                  .cache = {.capacity = 100, .ttl = 60s, .shards = 4},
                                  .min_refetch_interval = 30s};
  }

  SigningKeys keys_ = SigningKeys::Parse(GenerateKeyLine("k1"));
  TokenVerifier verifier_{Options()};
  Claims claims_ = ClaimsFor(42);
  std::string token_ = Sign(claims_, keys_);
};

TEST_F(TokenVerifierTest, HotTokenIsVerifiedOnce) {
  verifier_.SetKeys(keys_.PublicKeys());
  for (int i = 0; i < 100; ++i) {
    const auto result = verifier_.Verify(token_, kFixedNow + seconds(i % 50));
    ASSERT_TRUE(result.Ok()) << result.Error().detail;
    EXPECT_EQ(result.Value(), claims_);
  }
  const auto stats = verifier_.Stats();
  EXPECT_EQ(stats.signature_checks, 1U);
  EXPECT_EQ(stats.cache.hits, 99U);
}

TEST_F(TokenVerifierTest, CachedEntriesExpireAndAreCheckedAgain) {
  verifier_.SetKeys(keys_.PublicKeys());
  ASSERT_TRUE(verifier_.Verify(token_, kFixedNow).Ok());
  ASSERT_TRUE(verifier_.Verify(token_, kFixedNow + 59s).Ok());
  EXPECT_EQ(verifier_.Stats().signature_checks, 1U);
  ASSERT_TRUE(verifier_.Verify(token_, kFixedNow + 60s).Ok());
  EXPECT_EQ(verifier_.Stats().signature_checks, 2U);
  // Past exp (+ leeway) the token is refused even though it was cached a moment ago.
  ASSERT_TRUE(verifier_.Verify(token_, kFixedNow + 1h - 1s).Ok());
  const auto late = verifier_.Verify(token_, kFixedNow + 1h + 30s);
  ASSERT_FALSE(late.Ok());
  EXPECT_EQ(late.Failure(), VerifyFailure::kExpired);
}

TEST_F(TokenVerifierTest, FailuresAreNotCached) {
  verifier_.SetKeys(keys_.PublicKeys());
  std::string forged = token_;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(verifier_.Verify(forged, kFixedNow).Failure(), VerifyFailure::kBadSignature);
  }
  EXPECT_EQ(verifier_.Stats().signature_checks, 3U);
  EXPECT_EQ(verifier_.Stats().cache.size, 0U);
}

TEST_F(TokenVerifierTest, RevokedTokensAreRefusedCachedOrNot) {
  verifier_.SetKeys(keys_.PublicKeys());
  ASSERT_TRUE(verifier_.Verify(token_, kFixedNow).Ok());  // now cached
  verifier_.Revocations().Revoke(claims_.token_id, claims_.expires_at, kFixedNow);
  EXPECT_EQ(verifier_.Verify(token_, kFixedNow).Failure(), VerifyFailure::kRevoked);
  EXPECT_EQ(verifier_.Stats().signature_checks, 1U) << "refused on the cache-hit path";

  const auto other_claims = ClaimsFor(7);
  const std::string other = Sign(other_claims, keys_);
  verifier_.Revocations().Revoke(other_claims.token_id, other_claims.expires_at, kFixedNow);
  EXPECT_EQ(verifier_.Verify(other, kFixedNow).Failure(), VerifyFailure::kRevoked);
  EXPECT_EQ(verifier_.Stats().signature_checks, 2U) << "refused on the verification path";

  EXPECT_TRUE(verifier_.Verify(Sign(ClaimsFor(8), keys_), kFixedNow).Ok()) << "other tokens are unaffected";
}

TEST_F(TokenVerifierTest, NewKeysDropCachedResults) {
  verifier_.SetKeys(keys_.PublicKeys());
  ASSERT_TRUE(verifier_.Verify(token_, kFixedNow).Ok());
  const auto replacement = SigningKeys::Parse(GenerateKeyLine("k2"));
  verifier_.SetKeys(replacement.PublicKeys());  // k1 withdrawn, e.g. compromised
  EXPECT_EQ(verifier_.Verify(token_, kFixedNow).Failure(), VerifyFailure::kUnknownKid);
  EXPECT_TRUE(verifier_.Verify(Sign(claims_, replacement), kFixedNow).Ok());
}

TEST_F(TokenVerifierTest, UnknownKidAsksForABoundedRefetch) {
  EXPECT_FALSE(verifier_.HasKeys());
  EXPECT_EQ(verifier_.Verify(token_, kFixedNow).Failure(), VerifyFailure::kUnknownKid);
  EXPECT_TRUE(verifier_.ShouldRefetchKeys(kFixedNow));
  EXPECT_FALSE(verifier_.ShouldRefetchKeys(kFixedNow));
  EXPECT_FALSE(verifier_.ShouldRefetchKeys(kFixedNow + 29s));
  EXPECT_TRUE(verifier_.ShouldRefetchKeys(kFixedNow + 30s));
  verifier_.SetKeys(keys_.PublicKeys());
  EXPECT_TRUE(verifier_.HasKeys());
  EXPECT_TRUE(verifier_.Verify(token_, kFixedNow).Ok());
}

TEST_F(TokenVerifierTest, ConcurrentRefetchRequestsYieldOne) {
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, &granted] {
      for (int i = 0; i < 1000; ++i) {
        if (verifier_.ShouldRefetchKeys(kFixedNow)) {
          ++granted;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(granted.load(), 1);
}

}  // namespace
}  // namespace bookstore::auth
