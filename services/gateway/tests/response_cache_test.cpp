#include "filters/response_cache/response_cache.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bookstore/testing/pipeline.h"
#include "filters/request_state.h"

namespace bookstore::gateway {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using std::chrono::seconds;

constexpr std::string_view kPublic = "public, max-age=0, s-maxage=30";

struct Reply {
  http::Response response;
  std::string cache;  // what the filter recorded in the request state
};

// The filter between a router with the gateway's /books routes and a stand-in catalog that answers
// "<target> v<version>" with the headers in `upstream_headers`.
class ResponseCacheTest : public ::testing::Test {
 protected:
  ResponseCacheTest() {
    for (const auto method : {http::Verb::get, http::Verb::put, http::Verb::post, http::Verb::delete_}) {
      router_.Add(method, "/books", NoHandler());
      router_.Add(method, "/books/{path...}", NoHandler());
    }
  }

  Reply Send(http::Verb method, std::string_view target, const Headers& headers = {}) {
    http::Request request{method, target, 11};
    for (const auto& [name, value] : headers) request.set(name, value);
    http::Context ctx(std::move(request), "client-request-id");
    std::string allow;
    (void)router_.Match(ctx, &allow);
    RequestState state;
    AttachState(ctx, state);

    http::detail::Pipeline pipeline;
    pipeline.middleware.push_back(cache_.Filter());
    pipeline.terminal = [this](http::Context& upstream_ctx) -> http::Awaitable<http::Response> {
      // As the router does: the request is moved to the upstream.
      const http::Request forwarded = std::move(upstream_ctx.request());
      ++upstream_calls_;
      upstream_cache_control_ = std::string(forwarded[http::Field::cache_control]);
      // The version catalog read; anything during_fetch_ does happens while the answer is on its way.
      const int version = version_;
      if (during_fetch_) during_fetch_();
      http::Response response{upstream_status_, 11};
      for (const auto& [name, value] : upstream_headers_) response.set(name, value);
      response.set("X-Request-ID", "upstream-saw-this-id");
      response.set(http::Field::date, "Fri, 27 Nov 2026 17:00:00 GMT");
      if (forwarded.method() != http::Verb::head) {
        response.body() = std::string(forwarded.target()) + " v" + std::to_string(version);
      }
      response.prepare_payload();
      co_return response;
    };
    http::Response response = testing::RunPipeline(pipeline, ctx);
    return Reply{std::move(response), std::string(state.cache)};
  }

  Reply Get(std::string_view target, const Headers& headers = {}) {
    return Send(http::Verb::get, target, headers);
  }

  static http::Handler NoHandler() {
    return [](http::Context&) -> http::Awaitable<http::Response> { co_return http::EmptyResponse(); };
  }

  http::Router router_;
  ResponseCache cache_{ResponseCacheOptions{.capacity_bytes = 1 << 20}};
  Headers upstream_headers_{{"Cache-Control", std::string(kPublic)}, {"Content-Type", "application/json"}};
  http::Status upstream_status_ = http::Status::ok;
  int upstream_calls_ = 0;
  std::string upstream_cache_control_;  // of the last request forwarded
  int version_ = 1;
  std::function<void()> during_fetch_;
};

TEST_F(ResponseCacheTest, ASecondGetIsServedFromTheCache) {
  const Reply first = Get("/books/42");
  EXPECT_EQ(first.cache, "miss");
  EXPECT_EQ(first.response.body(), "/books/42 v1");
  version_ = 2;
  const Reply second = Get("/books/42");
  EXPECT_EQ(second.cache, "hit");
  EXPECT_EQ(upstream_calls_, 1);
  EXPECT_EQ(second.response.result(), http::Status::ok);
  EXPECT_EQ(second.response.body(), "/books/42 v1");
  EXPECT_EQ(second.response[http::Field::cache_control], kPublic);
  EXPECT_EQ(second.response[http::Field::content_type], "application/json");
  EXPECT_EQ(second.response[http::Field::age], "0");
  // Per message, set again by the server for this request: its own X-Request-ID, Date, Content-Length.
  EXPECT_EQ(second.response.find("X-Request-ID"), second.response.end());
  EXPECT_EQ(second.response.find(http::Field::date), second.response.end());
}

TEST_F(ResponseCacheTest, TheKeyIsTheTargetExactlyAsReceived) {
  Get("/books?limit=1&offset=2");
  Get("/books?offset=2&limit=1");
  Get("/books?limit=1");
  EXPECT_EQ(upstream_calls_, 3);
  EXPECT_EQ(Get("/books?offset=2&limit=1").cache, "hit");
}

TEST_F(ResponseCacheTest, HeadIsServedFromTheGetEntryButDoesNotFillIt) {
  EXPECT_EQ(Send(http::Verb::head, "/books/7").cache, "miss");
  EXPECT_EQ(Get("/books/7").cache, "miss");  // the HEAD answer had no body to keep
  const Reply head = Send(http::Verb::head, "/books/7");
  EXPECT_EQ(head.cache, "hit");
  EXPECT_EQ(head.response.body(), "/books/7 v1");  // the server sends only its length
  EXPECT_EQ(upstream_calls_, 2);
}

TEST_F(ResponseCacheTest, KeepsOnlyPublicAnswersWithASharedLifetime) {
  const std::vector<std::string> not_kept = {
      "",  // no Cache-Control at all
      "private, max-age=60",
      "public",
      "public, max-age=0",
      "public, max-age=60, s-maxage=0",  // s-maxage wins for a shared cache
      "public, s-maxage=60, no-store",
      "public, s-maxage=60, no-cache",
      "public, s-maxage=soon",
  };
  int target = 0;
  for (const auto& value : not_kept) {
    upstream_headers_ = {{"Cache-Control", value}};
    const std::string path = "/books/" + std::to_string(++target);
    Get(path);
    EXPECT_EQ(Get(path).cache, "miss") << value;
  }
  for (const std::string value : {"public, max-age=60", "Public, S-MaxAge=\"30\""}) {
    upstream_headers_ = {{"Cache-Control", value}};
    const std::string path = "/books/" + std::to_string(++target);
    Get(path);
    EXPECT_EQ(Get(path).cache, "hit") << value;
  }
}

TEST_F(ResponseCacheTest, NeverKeepsCookiesVariantsOrOtherStatuses) {
  upstream_headers_.emplace_back("Set-Cookie", "session=abc");
  Get("/books/1");
  EXPECT_EQ(Get("/books/1").cache, "miss");

  upstream_headers_.pop_back();
  upstream_headers_.emplace_back("Vary", "Accept-Language");
  Get("/books/2");
  EXPECT_EQ(Get("/books/2").cache, "miss");

  upstream_headers_.pop_back();
  upstream_status_ = http::Status::not_found;
  Get("/books/3");
  EXPECT_EQ(Get("/books/3").cache, "miss");
}

TEST_F(ResponseCacheTest, KeepsAnswersForTheirLifetimeLessTheirAge) {
  upstream_headers_.emplace_back("Age", "25");
  const auto before = http::CachedResponse::Clock::now();
  Get("/books/5");
  const Reply hit = Get("/books/5");
  EXPECT_EQ(hit.cache, "hit");
  EXPECT_EQ(hit.response[http::Field::age], "25");
  EXPECT_NE(cache_.store().Find("/books/5", before + seconds(4)), nullptr);
  EXPECT_EQ(cache_.store().Find("/books/5", before + seconds(6)), nullptr);
}

TEST_F(ResponseCacheTest, NoCacheRequestsFetchAnewAndRefreshTheEntry) {
  Get("/books/9");
  version_ = 2;
  const Reply fresh = Get("/books/9", {{"Cache-Control", "no-cache"}});
  EXPECT_EQ(fresh.cache, "bypass");
  EXPECT_EQ(fresh.response.body(), "/books/9 v2");
  EXPECT_EQ(Get("/books/9", {{"Cache-Control", "max-age=0"}}).cache, "bypass");
  version_ = 3;
  const Reply hit = Get("/books/9");
  EXPECT_EQ(hit.cache, "hit");
  EXPECT_EQ(hit.response.body(), "/books/9 v2");
}

TEST_F(ResponseCacheTest, NoStoreRequestsNeitherReadNorFill) {
  EXPECT_EQ(Get("/books/9", {{"Cache-Control", "no-store"}}).cache, "bypass");
  EXPECT_EQ(Get("/books/9").cache, "miss");
  EXPECT_EQ(Get("/books/9", {{"Cache-Control", "no-store"}}).cache, "bypass");
  EXPECT_EQ(upstream_calls_, 3);
}

TEST_F(ResponseCacheTest, AuthorizationDoesNotPreventUsingAPublicAnswer) {
  Get("/books/11", {{"Authorization", "Bearer alice"}});
  EXPECT_EQ(Get("/books/11").cache, "hit");
  EXPECT_EQ(Get("/books/11", {{"Authorization", "Bearer bob"}}).cache, "hit");
}

TEST_F(ResponseCacheTest, AWriteInvalidatesItsPathAndItsCollectionWhenItSucceeds) {
  for (const char* target : {"/books/42", "/books/42?x=1", "/books?limit=5", "/books/43"}) Get(target);
  upstream_status_ = http::Status::forbidden;
  EXPECT_EQ(Send(http::Verb::put, "/books/42").cache, "bypass");
  EXPECT_EQ(Get("/books/42").cache, "hit");  // a refused write changed nothing

  upstream_status_ = http::Status::ok;
  Send(http::Verb::put, "/books/42");
  EXPECT_EQ(Get("/books/42").cache, "miss");
  EXPECT_EQ(Get("/books/42?x=1").cache, "miss");
  EXPECT_EQ(Get("/books?limit=5").cache, "miss");
  EXPECT_EQ(Get("/books/43").cache, "hit");

  upstream_status_ = http::Status::created;
  Send(http::Verb::post, "/books");
  upstream_status_ = http::Status::ok;
  EXPECT_EQ(Get("/books?limit=5").cache, "miss");
  EXPECT_EQ(Get("/books/43").cache, "hit");
}

TEST_F(ResponseCacheTest, ABookEventDropsTheBookAndEveryListing) {
  for (const char* target : {"/books/42", "/books?limit=100", "/books?q=war", "/books/43"}) Get(target);
  cache_.InvalidateBook(42);
  EXPECT_EQ(Get("/books/42").cache, "miss");
  EXPECT_EQ(Get("/books?limit=100").cache, "miss");
  EXPECT_EQ(Get("/books?q=war").cache, "miss");
  EXPECT_EQ(Get("/books/43").cache, "hit");
}

TEST_F(ResponseCacheTest, AMissSoonAfterAnInvalidationAsksUpstreamForTheCurrentState) {
  Get("/books/42");
  EXPECT_EQ(upstream_cache_control_, "");  // never invalidated: catalog may answer from its memory
  cache_.InvalidateBook(42);               // the event reached this gateway, maybe not every catalog
  EXPECT_EQ(Get("/books/42").cache, "miss");
  EXPECT_EQ(upstream_cache_control_, "no-cache");
  EXPECT_EQ(Get("/books/42").cache, "hit");

  Send(http::Verb::put, "/books/43");  // a write through this gateway, answered by one catalog replica
  Get("/books/43");
  EXPECT_EQ(upstream_cache_control_, "no-cache");
  // A client's own directives still reach upstream as they were.
  Get("/books/44", {{"Cache-Control", "no-store"}});
  EXPECT_EQ(upstream_cache_control_, "no-store");
}

TEST_F(ResponseCacheTest, AnInvalidationDuringAMissKeepsTheOlderAnswerOut) {
  // Each fetch: catalog reads version N, then the book changes (N + 1) and its event arrives while
  // version N is still on its way back.
  during_fetch_ = [this] {
    ++version_;
    cache_.InvalidateBook(42);
  };
  EXPECT_EQ(Get("/books/42").response.body(), "/books/42 v1");
  EXPECT_EQ(Get("/books?limit=100").response.body(), "/books?limit=100 v2");

  during_fetch_ = nullptr;
  const Reply book = Get("/books/42");
  EXPECT_EQ(book.cache, "miss");  // not v1 from the cache
  EXPECT_EQ(book.response.body(), "/books/42 v3");
  const Reply listing = Get("/books?limit=100");
  EXPECT_EQ(listing.cache, "miss");  // not v2 from the cache
  EXPECT_EQ(listing.response.body(), "/books?limit=100 v3");
  // Fetches that no invalidation overtook are kept.
  EXPECT_EQ(Get("/books/42").cache, "hit");
  EXPECT_EQ(Get("/books?limit=100").cache, "hit");
}

TEST_F(ResponseCacheTest, ClearDropsEverything) {
  Get("/books/1");
  Get("/books?limit=1");
  cache_.Clear();
  EXPECT_EQ(cache_.store().GetStats().entries, 0U);
  EXPECT_EQ(Get("/books/1").cache, "miss");
  EXPECT_EQ(Get("/books?limit=1").cache, "miss");
}

TEST_F(ResponseCacheTest, AliasesThatInvalidationCannotNameAreNotKept) {
  EXPECT_EQ(Get("/books/042").cache, "bypass");
  EXPECT_EQ(Get("/books/%34%32").cache, "bypass");
  EXPECT_EQ(cache_.store().GetStats().entries, 0U);
}

TEST_F(ResponseCacheTest, UnroutedRequestsBypassTheCache) {
  EXPECT_EQ(Get("/nowhere").cache, "bypass");
  EXPECT_EQ(Get("/nowhere").cache, "bypass");
  EXPECT_EQ(cache_.store().GetStats().entries, 0U);
}

TEST(CacheablePathTest, RejectsEscapesAndLeadingZeros) {
  EXPECT_TRUE(CacheablePath("/books"));
  EXPECT_TRUE(CacheablePath("/books/42"));
  EXPECT_TRUE(CacheablePath("/books/0"));
  EXPECT_TRUE(CacheablePath("/books/0a"));
  EXPECT_FALSE(CacheablePath("/books/042"));
  EXPECT_FALSE(CacheablePath("/books/%34%32"));
}

}  // namespace
}  // namespace bookstore::gateway
