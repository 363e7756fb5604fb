#include "bookstore/http/cache_control.h"

#include <gtest/gtest.h>

namespace bookstore::http {
namespace {

using std::chrono::seconds;

Response Answer(std::string_view cache_control, std::string_view age = {}) {
  Response response{Status::ok, 11};
  if (!cache_control.empty()) response.set(Field::cache_control, cache_control);
  if (!age.empty()) response.set(Field::age, age);
  return response;
}

std::optional<seconds> Remaining(const Response& response) {
  const auto freshness = SharedFreshnessOf(response);
  return freshness ? std::optional(freshness->remaining()) : std::nullopt;
}

TEST(CacheControlTest, ReadsTheDirectivesACacheActsOn) {
  const CacheControl parsed =
      ParseCacheControl(R"(Public, max-age=0, s-maxage="30", private="Set-Cookie, X")");
  EXPECT_TRUE(parsed.is_public);
  EXPECT_TRUE(parsed.is_private);
  EXPECT_FALSE(parsed.no_store);
  EXPECT_EQ(parsed.max_age, seconds(0));
  EXPECT_EQ(parsed.s_maxage, seconds(30));
  EXPECT_EQ(parsed.SharedLifetime(), seconds(30));

  EXPECT_EQ(ParseCacheControl("max-age=60").SharedLifetime(), seconds(60));
  EXPECT_EQ(ParseCacheControl("public").SharedLifetime(), seconds(0));
  EXPECT_EQ(ParseCacheControl("max-age=-1").SharedLifetime(), seconds(0));
  EXPECT_EQ(ParseCacheControl("max-age=99999999999999999999").SharedLifetime(), seconds(2147483648));
  EXPECT_TRUE(ParseCacheControl(" no-cache ,no-store").no_cache);
  EXPECT_TRUE(ParseCacheControl(" no-cache ,no-store").no_store);
}

TEST(CacheControlTest, AReloadOrNoCacheWantsTheCurrentState) {
  EXPECT_TRUE(ParseCacheControl("no-cache").WantsCurrentState());
  EXPECT_TRUE(ParseCacheControl("max-age=0").WantsCurrentState());
  EXPECT_FALSE(ParseCacheControl("max-age=5").WantsCurrentState());
  EXPECT_FALSE(ParseCacheControl("no-store").WantsCurrentState());
  EXPECT_FALSE(ParseCacheControl("").WantsCurrentState());
}

TEST(CacheControlTest, CombinesEveryField) {
  Response response;
  response.insert(Field::cache_control, "public");
  response.insert(Field::cache_control, "s-maxage=10");
  const CacheControl combined = ReadCacheControl(response);
  EXPECT_TRUE(combined.is_public);
  EXPECT_EQ(combined.SharedLifetime(), seconds(10));
}

TEST(SharedFreshnessTest, KeepsWhatASharedCacheMayKeep) {
  EXPECT_EQ(Remaining(Answer("public, max-age=0, s-maxage=30")), seconds(30));
  EXPECT_EQ(Remaining(Answer("public, max-age=0, s-maxage=30", "12")), seconds(18));
  EXPECT_EQ(Remaining(Answer("Public, Max-Age=20")), seconds(20));
  EXPECT_EQ(Remaining(Answer("public,s-maxage=\"5\"")), seconds(5));
  const auto freshness = SharedFreshnessOf(Answer("public, s-maxage=30", "12"));
  ASSERT_TRUE(freshness);
  EXPECT_EQ(freshness->lifetime, seconds(30));
  EXPECT_EQ(freshness->age, seconds(12));
}

TEST(SharedFreshnessTest, RefusesTheRest) {
  EXPECT_EQ(Remaining(Answer("")), std::nullopt);
  EXPECT_EQ(Remaining(Answer("s-maxage=30")), std::nullopt);  // not public
  EXPECT_EQ(Remaining(Answer("public, private, s-maxage=30")), std::nullopt);
  EXPECT_EQ(Remaining(Answer("public, no-store, s-maxage=30")), std::nullopt);
  EXPECT_EQ(Remaining(Answer("public, no-cache, s-maxage=30")), std::nullopt);
  EXPECT_EQ(Remaining(Answer("public, s-maxage=30", "30")), std::nullopt);  // already stale
  EXPECT_EQ(Remaining(Answer("public, s-maxage=abc")), std::nullopt);
  EXPECT_EQ(Remaining(Answer("public, s-maxage=0, max-age=60")), std::nullopt);

  Response cookie = Answer("public, s-maxage=30");
  cookie.set(Field::set_cookie, "a=b");
  EXPECT_EQ(Remaining(cookie), std::nullopt);
  Response varies = Answer("public, s-maxage=30");
  varies.set(Field::vary, "Accept");
  EXPECT_EQ(Remaining(varies), std::nullopt);
  Response not_found = Answer("public, s-maxage=30");
  not_found.result(Status::not_found);
  EXPECT_EQ(Remaining(not_found), std::nullopt);
}

}  // namespace
}  // namespace bookstore::http
