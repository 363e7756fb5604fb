#include "live/hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "bookstore/auth/revocation.h"
#include "live/feed.h"

namespace bookstore::gateway {
namespace {

bus::Event MakeTestEvent(const std::string& type, const std::string& data) {
  bus::Event event;
  event.id = "evt-" + type;
  event.source = "test";
  event.type = type;
  event.time = "2026-11-27T17:00:00.000Z";
  event.data = boost::json::parse(data);
  return event;
}

struct Client {
  std::atomic<int> wakes{0};
  std::shared_ptr<LiveStream> stream;

  Client(LiveHub& hub, std::int64_t user_id, std::string jti = {}, std::string address = "192.0.2.1") {
    stream = hub.Open(user_id, std::move(jti), std::move(address), [this] { ++wakes; }).stream;
  }
  std::vector<std::string> Received() {
    std::vector<std::string> texts;
    for (const auto& text : stream->Take().events) texts.push_back(*text);
    return texts;
  }
};

TEST(LiveHubTest, BookEventsGoToEveryone) {
  LiveHub hub({});
  Client anonymous(hub, 0);
  Client alice(hub, 1, "jti-a");
  hub.Publish(MakeTestEvent("book.created", R"({"id":42,"title":"Dune"})"));
  const auto expected = "event: book.created\nid: evt-book.created\ndata: {\"id\":42,\"title\":\"Dune\"}\n\n";
  EXPECT_EQ(anonymous.Received(), std::vector<std::string>{expected});
  EXPECT_EQ(alice.Received(), std::vector<std::string>{expected});
}

TEST(LiveHubTest, OrderEventsGoToTheirOwnerOnly) {
  LiveHub hub({});
  Client anonymous(hub, 0);
  Client alice(hub, 1, "jti-a");
  Client alice_tab2(hub, 1, "jti-a2");
  Client bob(hub, 2, "jti-b");
  hub.Publish(MakeTestEvent("order.paid", R"({"order_id":7,"user_id":1})"));
  EXPECT_TRUE(anonymous.Received().empty());
  EXPECT_TRUE(bob.Received().empty());
  EXPECT_EQ(alice.Received().size(), 1U);
  EXPECT_EQ(alice_tab2.Received().size(), 1U);
}

TEST(LiveHubTest, OrderEventWithoutOwnerGoesNowhere) {
  LiveHub hub({});
  Client alice(hub, 1);
  hub.Publish(MakeTestEvent("order.paid", R"({"order_id":7})"));
  hub.Publish(MakeTestEvent("order.paid", R"({"order_id":7,"user_id":-1})"));
  EXPECT_TRUE(alice.Received().empty());
}

TEST(LiveHubTest, OtherTypesAreIgnored) {
  LiveHub hub({});
  Client anonymous(hub, 0);
  hub.Publish(MakeTestEvent("user.registered", R"({"user_id":3})"));
  EXPECT_TRUE(anonymous.Received().empty());
  EXPECT_EQ(anonymous.wakes, 0);
}

TEST(LiveHubTest, OneWakePerBatch) {
  LiveHub hub({});
  Client client(hub, 0);
  for (int i = 0; i < 5; ++i) hub.Publish(MakeTestEvent("book.updated", R"({"id":1})"));
  EXPECT_EQ(client.wakes, 1);
  EXPECT_EQ(client.Received().size(), 5U);
  hub.Publish(MakeTestEvent("book.updated", R"({"id":1})"));
  EXPECT_EQ(client.wakes, 2);
}

TEST(LiveHubTest, SlowClientIsDroppedWithoutSlowingOthers) {
  LiveHub hub({.queue_limit = 3, .max_streams = 10});
  Client slow(hub, 0);
  Client fast(hub, 0);
  for (int i = 0; i < 10; ++i) {
    hub.Publish(MakeTestEvent("book.updated", R"({"id":1})"));
    EXPECT_EQ(fast.Received().size(), 1U) << i;
  }
  const auto batch = slow.stream->Take();
  EXPECT_EQ(batch.end, LiveStream::End::kOverflow);
  EXPECT_TRUE(batch.events.empty());
  EXPECT_EQ(hub.GetStats().dropped, 1U);
}

TEST(LiveHubTest, RevokeEndsTheStreamsOfThatToken) {
  LiveHub hub({});
  Client alice(hub, 1, "jti-a");
  Client alice_other_login(hub, 1, "jti-a2");
  hub.Revoke("jti-a", 1);
  EXPECT_EQ(alice.stream->Take().end, LiveStream::End::kRevoked);
  EXPECT_EQ(alice_other_login.stream->Take().end, LiveStream::End::kNone);
  hub.Revoke("jti-a2", 0);  // without the user id: searched among all
  EXPECT_EQ(alice_other_login.stream->Take().end, LiveStream::End::kRevoked);
}

TEST(LiveHubTest, MaxStreamsIsEnforcedAndClosingFreesASlot) {
  LiveHub hub({.queue_limit = 8, .max_streams = 2});
  Client a(hub, 0);
  Client b(hub, 7);
  const auto refused = hub.Open(0, {}, "198.51.100.9", {});
  EXPECT_EQ(refused.stream, nullptr);
  EXPECT_EQ(refused.refusal, LiveHub::Opened::Refusal::kFull);
  hub.Close(b.stream);
  EXPECT_EQ(hub.GetStats().streams, 1U);
  EXPECT_NE(hub.Open(0, {}, "198.51.100.9", {}).stream, nullptr);
  // A closed stream gets nothing more.
  hub.Publish(MakeTestEvent("order.paid", R"({"user_id":7})"));
  EXPECT_TRUE(b.Received().empty());
}

TEST(LiveHubTest, OneAddressOrOneUserCannotTakeEveryStream) {
  using Refusal = LiveHub::Opened::Refusal;
  LiveHub hub({.max_streams = 100, .max_streams_per_client = 3, .max_streams_per_user = 2});
  std::vector<std::unique_ptr<Client>> mine;
  mine.reserve(3);
  for (int i = 0; i < 3; ++i) mine.push_back(std::make_unique<Client>(hub, 0, "", "203.0.113.5"));
  EXPECT_EQ(hub.Open(0, {}, "203.0.113.5", {}).refusal, Refusal::kClientLimit);
  EXPECT_NE(hub.Open(0, {}, "203.0.113.6", {}).stream, nullptr);  // another address still gets one

  const Client first(hub, 7, "jti-1", "198.51.100.1");
  const Client second(hub, 7, "jti-2", "198.51.100.2");
  EXPECT_EQ(hub.Open(7, "jti-3", "198.51.100.3", {}).refusal, Refusal::kUserLimit);  // from any address
  EXPECT_NE(hub.Open(8, "jti-4", "198.51.100.3", {}).stream, nullptr);               // another user may

  hub.Close(mine.front()->stream);  // closing frees the address's slot
  EXPECT_NE(hub.Open(0, {}, "203.0.113.5", {}).stream, nullptr);
  hub.Close(first.stream);
  EXPECT_NE(hub.Open(7, "jti-5", "198.51.100.3", {}).stream, nullptr);
}

TEST(LiveHubTest, UserIdMayBeAString) {
  EXPECT_EQ(EventUserId(MakeTestEvent("order.paid", R"({"user_id":"12"})")), 12);
  EXPECT_EQ(EventUserId(MakeTestEvent("order.paid", R"({"user_id":"12x"})")), 0);
  EXPECT_EQ(EventUserId(MakeTestEvent("order.paid", R"({"user_id":12})")), 12);
  EXPECT_EQ(EventUserId(MakeTestEvent("order.paid", R"([1])")), 0);
}

TEST(LiveFeedTest, TokenRevokedFeedsTheRevocationSetAndEndsStreams) {
  LiveHub hub({});
  auth::RevocationSet revocations;
  Client alice(hub, 5, "jti-x");
  const auto exp = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(1))
                       .count();
  LiveFeed::Handle(
      MakeTestEvent("auth.token_revoked", R"({"jti":"jti-x","user_id":5,"exp":)" + std::to_string(exp) + "}"),
      hub, &revocations);
  EXPECT_TRUE(revocations.IsRevoked("jti-x"));
  EXPECT_EQ(alice.stream->Take().end, LiveStream::End::kRevoked);
}

TEST(LiveFeedTest, BookAndOrderEventsReachTheHub) {
  LiveHub hub({});
  Client anonymous(hub, 0);
  LiveFeed::Handle(MakeTestEvent("book.deleted", R"({"id":1,"deleted":true})"), hub, nullptr);
  EXPECT_EQ(anonymous.Received().size(), 1U);
}

// Stores `target` in `cache` as if catalog had just answered it.
void Cache(ResponseCache& cache, const std::string& target) {
  auto cached = std::make_shared<http::CachedResponse>();
  cached->expires_at = http::CachedResponse::Clock::now() + std::chrono::minutes(1);
  ASSERT_TRUE(cache.store().Put(target, cache.store().StampOf(target), cached).stored);
}

bool Cached(ResponseCache& cache, const std::string& target) {
  return cache.store().Find(target, http::CachedResponse::Clock::now()) != nullptr;
}

TEST(LiveFeedTest, BookEventsInvalidateTheResponseCacheBeforeReachingTheHub) {
  LiveHub hub({});
  ResponseCache cache({.capacity_bytes = 1 << 20});
  for (const char* target : {"/books/1", "/books?limit=100", "/books/2", "/orders/1"}) Cache(cache, target);
  LiveFeed::Handle(MakeTestEvent("book.stock_changed", R"({"id":1,"stock":3})"), hub, nullptr, &cache);
  EXPECT_FALSE(Cached(cache, "/books/1"));
  EXPECT_FALSE(Cached(cache, "/books?limit=100"));
  EXPECT_TRUE(Cached(cache, "/books/2"));

  LiveFeed::Handle(MakeTestEvent("order.paid", R"({"id":2,"user_id":5})"), hub, nullptr, &cache);
  EXPECT_TRUE(Cached(cache, "/books/2"));

  // Without a usable id there is no telling which book changed.
  LiveFeed::Handle(MakeTestEvent("book.updated", R"({"title":"?"})"), hub, nullptr, &cache);
  EXPECT_FALSE(Cached(cache, "/books/2"));
  EXPECT_FALSE(Cached(cache, "/orders/1"));
}

}  // namespace
}  // namespace bookstore::gateway
