// Issue requirement 4: RabbitMQ restarted while events are being published loses none of them.
// Restarts the broker through $BOOKSTORE_TEST_INFRA, so it only runs under ./bookstore test (labels
// "infra;restart", RUN_SERIAL): never against the shared development broker.
#include <atomic>
#include <thread>

#include "bus_test_support.h"

namespace bookstore::bus::test {
namespace {

using bookstore::testing::Eventually;
using bookstore::testing::InfraCommand;
using namespace std::chrono_literals;

using BusRestartTest = BusFixture;

TEST_F(BusRestartTest, BrokerRestartWhilePublishingLosesNoEvent) {
  constexpr int kPerTransaction = 10;
  constexpr int kBacklog = 300;       // written but not yet handled: keeps the relay busy, bounds the test
  constexpr int kAfterRestart = 500;  // events written once the broker is back
  constexpr auto kDeadline = 120s;    // the broker needs seconds to come back; consumers back off

  Relay relay(pool_, options_);
  InboxConsumer consumer(pool_, options_, "catalog", RecordEffect());
  std::atomic<int> subscriber_connections{0};
  std::atomic<int> live_events{0};
  Subscriber live(
      options_, {"order.*"}, [&](const Event&) { ++live_events; }, [&] { ++subscriber_connections; });
  ASSERT_TRUE(Eventually([&] { return consumer.Connected() && live.Connected() && relay.Connected(); }, 30s));

  // The producer only writes to the database, like a service handling requests: it carries on while the
  // broker is down (the outbox keeps what the relay cannot publish yet) until kBacklog events wait.
  std::atomic<int> written{0};
  std::atomic<bool> restarted{false};
  std::atomic<int> written_after_restart{0};
  std::jthread producer([&](const std::stop_token& stop) {
    while (!stop.stop_requested() && written_after_restart < kAfterRestart) {
      const bool room = Eventually(
          [&] {
            return stop.stop_requested() || written - static_cast<int>(consumer.Stats().handled) < kBacklog;
          },
          kDeadline);
      if (!room || stop.stop_requested()) return;
      std::vector<Event> events;
      events.reserve(kPerTransaction);
      for (int i = 0; i < kPerTransaction; ++i) {
        events.push_back(MakeEvent("order.placed", "orders", {{"order_id", written.load() + i}}));
      }
      AddToOutbox(events);
      written += kPerTransaction;
      if (restarted) written_after_restart += kPerTransaction;
    }
  });

  ASSERT_TRUE(Eventually([&] { return consumer.Stats().handled >= 1000; }, kDeadline))
      << "events should flow before the restart";
  const int written_before_restart = written;
  ASSERT_EQ(InfraCommand("restart rabbitmq"), 0);
  restarted = true;
  producer.join();

  EXPECT_GT(written.load(), written_before_restart + kAfterRestart - 1);
  EXPECT_TRUE(Eventually([&] { return UnsentRows() == 0; }, kDeadline))
      << "the relay should publish the backlog";
  EXPECT_TRUE(Eventually([&] { return DistinctEffects() == written; }, kDeadline))
      << "every event should be handled once the broker is back";
  EXPECT_EQ(MaxEffectsPerEvent(), 1) << "a redelivered event must have no second effect";
  EXPECT_TRUE(
      Eventually([&] { return relay.Connected() && consumer.Connected() && live.Connected(); }, kDeadline));
  EXPECT_GE(subscriber_connections.load(), 2) << "the subscriber should have reconnected and been told";
  EXPECT_GT(live_events.load(), 0);
}

// A database outage must not use up delivery attempts: the consumer holds the delivery and retries it
// once the database is back, instead of nacking it towards the dead-letter queue.
TEST_F(BusRestartTest, DatabaseRestartWhileConsumingLosesNothingAndDeadLettersNothing) {
  constexpr int kEvents = 2000;
  constexpr auto kDeadline = 120s;
  std::vector<Event> events;
  events.reserve(kEvents);
  for (int i = 0; i < kEvents; ++i) events.push_back(MakeEvent("order.placed", "orders", {{"order_id", i}}));
  Publisher publisher(options_);
  publisher.PublishConfirmed(events);  // straight to the queue: the outage only hits the consumer

  InboxConsumer consumer(pool_, options_, "catalog", RecordEffect());
  ASSERT_TRUE(Eventually([&] { return consumer.Stats().handled >= 200; }, kDeadline));
  ASSERT_EQ(InfraCommand("restart mariadb"), 0);

  EXPECT_TRUE(Eventually([&] { return DistinctEffects() == kEvents; }, kDeadline));
  EXPECT_EQ(MaxEffectsPerEvent(), 1);
  EXPECT_EQ(consumer.Stats().failed, 0U) << "an outage is not a handler failure";
  BrokerAdmin admin(options_);
  EXPECT_EQ(admin.MessageCount(CatalogQueue().dead_letter_queue), 0U);
}

}  // namespace
}  // namespace bookstore::bus::test
