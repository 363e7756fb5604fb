// Integration tests of libs/bus against the real MariaDB and RabbitMQ (BOOKSTORE_TEST_*), each on its own
// database and its own uniquely named exchanges and queues.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

#include "bus_test_support.h"

namespace bookstore::bus::test {
namespace {

using bookstore::testing::Eventually;
using namespace std::chrono_literals;

constexpr auto kDeadline = 20s;

Event OrderPlaced(int order_id) {
  return MakeEvent("order.placed", "orders", {{"order_id", order_id}, {"user_id", 7}});
}

using BusTest = BusFixture;

// Issue requirement 1.
TEST_F(BusTest, EventOfARolledBackTransactionIsNeverPublished) {
  InboxConsumer consumer(pool_, options_, "catalog", RecordEffect());
  Relay relay(pool_, options_);

  const Event rolled_back = OrderPlaced(1);
  EXPECT_THROW(pool_.WithTransaction([&](db::Connection& c) {
    outbox::Add(c, rolled_back);
    throw std::runtime_error("the change failed");
  }),
               std::runtime_error);
  // A later event proves the relay and the consumer work, and that everything before it went through.
  const Event committed = OrderPlaced(2);
  AddToOutbox({committed});

  EXPECT_TRUE(Eventually([&] { return EffectCount(committed.id) == 1; }, kDeadline));
  EXPECT_TRUE(Eventually([&] { return UnsentRows() == 0; }, kDeadline));
  EXPECT_EQ(OutboxRows(rolled_back.id), 0);
  EXPECT_EQ(EffectCount(rolled_back.id), 0);
  // Counters move just after the commits they count.
  EXPECT_TRUE(Eventually([&] { return relay.Stats().published == 1; }, kDeadline));
  EXPECT_TRUE(Eventually([&] { return relay.Stats().backlog == 0; }, kDeadline));
  BrokerAdmin admin(options_);
  EXPECT_EQ(admin.MessageCount(CatalogQueue().name), 0U);
  EXPECT_EQ(admin.MessageCount(CatalogQueue().dead_letter_queue), 0U);
}

TEST_F(BusTest, OutboxAddOutsideATransactionIsRefused) {
  pool_.WithConnection(
      [](db::Connection& c) { EXPECT_THROW(outbox::Add(c, OrderPlaced(1)), std::logic_error); });
  EXPECT_EQ(UnsentRows(), 0);
}

// Issue requirement 2: the relay "crashes" after the broker confirmed and before the rows are marked sent.
TEST_F(BusTest, DuplicateFromARelayCrashBeforeMarkSentIsAbsorbedByTheInbox) {
  std::atomic<int> confirmed_batches{0};
  RelayHooks hooks;
  hooks.before_mark_sent = [&](std::span<const OutgoingMessage>) {
    if (confirmed_batches++ == 0) throw std::runtime_error("simulated crash between publish and mark-sent");
  };
  InboxConsumer consumer(pool_, options_, "catalog", RecordEffect());
  Relay relay(pool_, options_, hooks);

  const Event event = OrderPlaced(1);
  AddToOutbox({event});

  EXPECT_TRUE(Eventually([&] { return consumer.Stats().duplicates == 1; }, kDeadline))
      << "the event should be published twice and the second copy recognised by the inbox";
  EXPECT_TRUE(Eventually([&] { return UnsentRows() == 0; }, kDeadline));
  EXPECT_GE(confirmed_batches.load(), 2);
  EXPECT_TRUE(Eventually([&] { return consumer.Stats().handled == 1; }, kDeadline));
  EXPECT_EQ(EffectCount(event.id), 1);
  EXPECT_GE(relay.Stats().failures, 1U);
}

// Issue requirement 3.
TEST_F(BusTest, FailingHandlerIsRetriedThenDeadLetteredWithoutBlockingTheQueue) {
  options_.consumer_workers = 1;  // one worker: a poison message that blocked would block everything
  std::mutex mutex;
  std::map<std::string, int> attempts;
  const Event poison = MakeEvent("order.placed", "orders", {{"order_id", 666}, {"poison", true}});
  std::vector<Event> healthy;
  healthy.reserve(5);
  for (int i = 0; i < 5; ++i) healthy.push_back(OrderPlaced(100 + i));

  InboxConsumer consumer(pool_, options_, "catalog", [&](const Event& event, db::Connection& c) {
    {
      std::lock_guard lock(mutex);
      ++attempts[event.id];
    }
    if (event.data.as_object().contains("poison")) throw std::runtime_error("cannot handle this one");
    RecordEffect()(event, c);
  });
  Relay relay(pool_, options_);
  std::vector<Event> all = {poison};
  all.insert(all.end(), healthy.begin(), healthy.end());
  AddToOutbox(all);

  for (const auto& event : healthy) {
    EXPECT_TRUE(Eventually([&] { return EffectCount(event.id) == 1; }, kDeadline))
        << "healthy event " << event.id;
  }
  BrokerAdmin admin(options_);
  const std::string dead_letters = CatalogQueue().dead_letter_queue;
  ASSERT_TRUE(Eventually([&] { return admin.MessageCount(dead_letters) == 1; }, kDeadline));
  // /metrics sees it too: counted when given up, and in the dead-letter queue's depth the consumer reads.
  EXPECT_EQ(consumer.Stats().dead_lettered, 1U);
  EXPECT_TRUE(Eventually([&] { return consumer.Stats().dead_letter_depth == 1; }, kDeadline));
  EXPECT_TRUE(Eventually([&] { return consumer.Stats().queue_depth == 0; }, kDeadline));
  const auto dead = admin.Take(dead_letters);
  ASSERT_TRUE(dead.has_value());
  EXPECT_EQ(dead->message_id, poison.id);
  EXPECT_EQ(dead->routing_key, CatalogQueue().name);  // dead-lettered with the queue's name as key
  EXPECT_EQ(dead->death_reason, "delivery_limit");
  EXPECT_EQ(ParseEvent(dead->body).id, poison.id);

  std::lock_guard lock(mutex);
  // The first delivery plus `delivery_limit` redeliveries.
  EXPECT_EQ(attempts[poison.id], options_.topology.delivery_limit + 1);
  EXPECT_EQ(consumer.Stats().failed, static_cast<std::uint64_t>(options_.topology.delivery_limit + 1));
  EXPECT_EQ(EffectCount(poison.id), 0);
  // A healthy event handled in the same batch as the failing one, before it, is rolled back with it and
  // handled again: its handler may run twice, its effects are there once (checked above).
  for (const auto& event : healthy) EXPECT_LE(attempts[event.id], 2);
  EXPECT_EQ(MaxEffectsPerEvent(), 1);
}

TEST_F(BusTest, MessageThatIsNotAnEventIsDeadLetteredAtOnce) {
  InboxConsumer consumer(pool_, options_, "catalog", RecordEffect());
  BrokerAdmin admin(options_);
  admin.DeclareTopology();
  admin.PublishRaw("order.placed", "{not json", "raw-1");

  const std::string dead_letters = CatalogQueue().dead_letter_queue;
  ASSERT_TRUE(Eventually([&] { return admin.MessageCount(dead_letters) == 1; }, kDeadline));
  const auto dead = admin.Take(dead_letters);
  ASSERT_TRUE(dead.has_value());
  EXPECT_EQ(dead->message_id, "raw-1");
  EXPECT_EQ(dead->body, "{not json");
  EXPECT_EQ(dead->death_reason, "rejected");
  EXPECT_EQ(consumer.Stats().rejected, 1U);
  EXPECT_EQ(consumer.Stats().dead_lettered, 1U);
  EXPECT_EQ(DistinctEffects(), 0);
}

// What an operator watches during a broker outage: the backlog and the age of its oldest event grow.
TEST_F(BusTest, RelayCountsItsBacklogWhileTheBrokerIsUnreachable) {
  Options unreachable = options_;  // options_ stays as it is: the fixture deletes its topology with them
  unreachable.url = "amqp://guest:guest@127.0.0.1:1/";  // nothing listens on port 1
  unreachable.connect_timeout = 200ms;
  AddToOutbox({OrderPlaced(1), OrderPlaced(2)});
  Relay relay(pool_, unreachable);
  EXPECT_TRUE(Eventually([&] { return relay.Stats().backlog == 2; }, kDeadline));
  // Counted every few seconds: the next census finds the oldest event older than the first did.
  const double first_age = relay.Stats().oldest_unsent_seconds;
  EXPECT_GT(first_age, 0);
  EXPECT_TRUE(Eventually([&] { return relay.Stats().oldest_unsent_seconds > first_age; }, kDeadline));
  EXPECT_EQ(relay.Stats().published, 0U);
  EXPECT_GE(relay.Stats().failures, 1U);
}

// Issue requirement 5.
TEST_F(BusTest, EventPublishedBeforeItsConsumerEverStartedIsDeliveredWhenItStarts) {
  const Event event = OrderPlaced(1);
  {
    // Only a relay runs: it declares the whole topology, including the catalog queue nobody consumes yet.
    Relay relay(pool_, options_);
    AddToOutbox({event});
    ASSERT_TRUE(Eventually([&] { return UnsentRows() == 0; }, kDeadline));
    EXPECT_EQ(relay.Stats().unroutable, 0U);
  }
  BrokerAdmin admin(options_);
  EXPECT_EQ(admin.MessageCount(CatalogQueue().name), 1U);

  InboxConsumer consumer(pool_, options_, "catalog", RecordEffect());
  EXPECT_TRUE(Eventually([&] { return EffectCount(event.id) == 1; }, kDeadline));
  EXPECT_TRUE(Eventually([&] { return consumer.Connected(); }, kDeadline));
}

// Events waiting in the queue share inbox transactions; one whose handler fails in the middle of a batch
// is retried and dead-lettered on its own while the rest commit once each.
TEST_F(BusTest, WaitingEventsShareTransactionsAndAFailingOneDoesNotSinkTheirBatch) {
  options_.consumer_workers = 1;
  options_.inbox_batch = 32;
  std::vector<Event> healthy;
  healthy.reserve(20);
  for (int i = 0; i < 20; ++i) healthy.push_back(OrderPlaced(200 + i));
  const Event poison = MakeEvent("order.placed", "orders", {{"order_id", 666}, {"poison", true}});
  std::vector<Event> all(healthy.begin(), healthy.begin() + 7);
  all.push_back(poison);
  all.insert(all.end(), healthy.begin() + 7, healthy.end());
  {
    Relay relay(pool_, options_);
    AddToOutbox(all);
    ASSERT_TRUE(Eventually([&] { return UnsentRows() == 0; }, kDeadline));
  }
  BrokerAdmin admin(options_);
  ASSERT_EQ(admin.MessageCount(CatalogQueue().name), all.size());

  std::atomic<bool> all_delivered{false};
  BrokerAdmin handler_admin(options_);  // the handler's own connection: BrokerAdmin is not thread-safe
  InboxConsumer consumer(pool_, options_, "catalog", [&](const Event& event, db::Connection& c) {
    // The first handler call waits until the broker has pushed every message to the consumer, so the
    // next batch finds them all waiting.
    if (!all_delivered.exchange(true)) {
      ASSERT_TRUE(
          Eventually([&] { return handler_admin.MessageCount(CatalogQueue().name) == 0; }, kDeadline));
    }
    if (event.data.as_object().contains("poison")) throw std::runtime_error("cannot handle this one");
    RecordEffect()(event, c);
  });

  for (const auto& event : healthy) {
    EXPECT_TRUE(Eventually([&] { return EffectCount(event.id) == 1; }, kDeadline)) << event.id;
  }
  ASSERT_TRUE(
      Eventually([&] { return admin.MessageCount(CatalogQueue().dead_letter_queue) == 1; }, kDeadline));
  EXPECT_EQ(admin.Take(CatalogQueue().dead_letter_queue)->message_id, poison.id);
  EXPECT_EQ(MaxEffectsPerEvent(), 1);
  EXPECT_EQ(EffectCount(poison.id), 0);
  const auto stats = consumer.Stats();
  EXPECT_EQ(stats.handled, healthy.size());
  EXPECT_EQ(stats.failed, static_cast<std::uint64_t>(options_.topology.delivery_limit + 1));
  // The first delivery on its own, then at most one batch per redelivery of the failing event.
  EXPECT_LE(stats.transactions, static_cast<std::uint64_t>(2 + options_.topology.delivery_limit + 1));
  EXPECT_LT(stats.transactions, healthy.size() / 2);
}

TEST_F(BusTest, EventNobodySubscribesToIsMarkedSentAndDoesNotStallTheOutbox) {
  Relay relay(pool_, options_);
  // order.paid goes to gateways only, and none runs on this topology.
  const Event paid = MakeEvent("order.paid", "orders", {{"order_id", 1}});
  const Event placed = OrderPlaced(2);
  AddToOutbox({paid, placed});
  EXPECT_TRUE(Eventually([&] { return UnsentRows() == 0; }, kDeadline));
  EXPECT_TRUE(Eventually([&] { return relay.Stats().published == 2; }, kDeadline));
  EXPECT_EQ(relay.Stats().unroutable, 1U);
  EXPECT_TRUE(Eventually([&] { return relay.Connected(); }, kDeadline));
}

TEST_F(BusTest, EveryGatewayReplicaGetsEveryEventWhileEachServiceHandlesItOnce) {
  std::mutex mutex;
  std::vector<Event> first_seen, second_seen;
  std::atomic<int> connections{0};
  Subscriber first(
      options_, {"book.*", "order.*"},
      [&](const Event& e) {
        std::lock_guard lock(mutex);
        first_seen.push_back(e);
      },
      [&] { ++connections; });
  Subscriber second(
      options_, {"book.*"},
      [&](const Event& e) {
        std::lock_guard lock(mutex);
        second_seen.push_back(e);
      },
      [&] { ++connections; });
  // Two replicas of the orders service share its queue.
  InboxConsumer orders_a(pool_, options_, "orders", RecordEffect());
  InboxConsumer orders_b(pool_, options_, "orders", RecordEffect());
  ASSERT_TRUE(
      Eventually([&] { return first.Connected() && second.Connected() && connections == 2; }, kDeadline));

  const Event book = MakeEvent("book.updated", "catalog", {{"id", 42}, {"version", 3}},
                               "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  Relay relay(pool_, options_);
  AddToOutbox({book});

  ASSERT_TRUE(Eventually(
      [&] {
        std::lock_guard lock(mutex);
        return first_seen.size() == 1 && second_seen.size() == 1;
      },
      kDeadline));
  EXPECT_TRUE(Eventually([&] { return EffectCount(book.id) == 1; }, kDeadline));
  std::lock_guard lock(mutex);
  EXPECT_EQ(first_seen[0].id, book.id);
  EXPECT_EQ(first_seen[0].type, "book.updated");
  EXPECT_EQ(first_seen[0].source, "catalog");
  EXPECT_EQ(first_seen[0].time, book.time);
  EXPECT_EQ(first_seen[0].data, book.data);
  EXPECT_EQ(first_seen[0].traceparent, book.traceparent);
  EXPECT_EQ(second_seen[0].id, book.id);
  EXPECT_TRUE(
      Eventually([&] { return orders_a.Stats().handled + orders_b.Stats().handled == 1; }, kDeadline));
}

TEST_F(BusTest, RelaysSideBySidePublishEveryEventOnce) {
  constexpr int kEvents = 600;
  options_.relay_batch_size = 50;
  InboxConsumer consumer(pool_, options_, "catalog", RecordEffect());
  Relay first(pool_, options_);
  Relay second(pool_, options_);
  for (int chunk = 0; chunk < kEvents / 100; ++chunk) {
    std::vector<Event> events;
    events.reserve(100);
    for (int i = 0; i < 100; ++i) events.push_back(OrderPlaced(chunk * 100 + i));
    AddToOutbox(events);
  }
  EXPECT_TRUE(Eventually([&] { return DistinctEffects() == kEvents; }, kDeadline));
  EXPECT_EQ(MaxEffectsPerEvent(), 1);
  EXPECT_TRUE(Eventually(
      [&] {
        return first.Stats().published + second.Stats().published == static_cast<std::uint64_t>(kEvents);
      },
      kDeadline));
  EXPECT_EQ(consumer.Stats().duplicates, 0U)
      << "SKIP LOCKED should keep the relays from publishing a row twice";
}

TEST_F(BusTest, HandlerCanEmitFollowUpEventsAtomically) {
  // Catalog-style: handling order.placed emits order.stock_reserved through the outbox in the same
  // transaction; orders consumes it.
  // No poll and no Notify(): only the commits that added the events can wake the relay (twice: the
  // first event, then the handler's follow-up).
  options_.relay_poll_interval = 1h;
  Relay relay(pool_, options_);
  InboxConsumer catalog(pool_, options_, "catalog", [](const Event& event, db::Connection& c) {
    outbox::Add(c, MakeEvent("order.stock_reserved", "catalog", {{"order_id", event.data.at("order_id")}}));
  });
  std::atomic<int> reserved{0};
  InboxConsumer orders(pool_, options_, "orders", [&](const Event& event, db::Connection&) {
    if (event.type == "order.stock_reserved") ++reserved;
  });
  ASSERT_TRUE(
      Eventually([&] { return relay.Connected() && catalog.Connected() && orders.Connected(); }, kDeadline));
  AddToOutbox({OrderPlaced(9)});
  EXPECT_TRUE(Eventually([&] { return reserved == 1; }, kDeadline));
}

TEST_F(BusTest, DeclaringRemovesARetiredBindingFromABrokerKeptAcrossAnUpgrade) {
  // The broker as an earlier version left it: orders.events bound to every book event.
  Options earlier = options_;
  for (ServiceQueue& queue : earlier.topology.queues) {
    if (queue.service == "orders") {
      queue.bindings.emplace_back("book.*");
      queue.retired_bindings.clear();
    }
  }
  BrokerAdmin(earlier).DeclareTopology();
  BrokerAdmin admin(options_);
  const std::string orders_queue = options_.topology.QueueOf("orders").name;
  admin.PublishRaw("book.stock_changed", "{}", "before");
  ASSERT_EQ(admin.MessageCount(orders_queue), 1U) << "the earlier binding should route book.stock_changed";
  ASSERT_TRUE(admin.Take(orders_queue));

  admin.DeclareTopology();
  admin.PublishRaw("book.stock_changed", "{}", "after");
  admin.PublishRaw("book.updated", "{}", "still bound");
  EXPECT_EQ(admin.MessageCount(orders_queue), 1U);
  const auto taken = admin.Take(orders_queue);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->routing_key, "book.updated");
}

TEST_F(BusTest, SentOutboxRowsAndOldInboxRowsAreDeletedAfterTheirRetention) {
  options_.outbox_retention = 0ms;
  options_.inbox_retention = 0ms;
  Relay relay(pool_, options_);
  InboxConsumer consumer(pool_, options_, "catalog", RecordEffect());
  const Event event = OrderPlaced(1);
  AddToOutbox({event});
  ASSERT_TRUE(Eventually([&] { return EffectCount(event.id) == 1; }, kDeadline));
  EXPECT_TRUE(Eventually([&] { return OutboxRows(event.id) == 0; }, kDeadline));
  EXPECT_TRUE(Eventually(
      [&] {
        return pool_.WithConnection([](db::Connection& c) {
          return c.QueryOne("SELECT COUNT(*) FROM bus_inbox")->Int(0);
        }) == 0;
      },
      kDeadline));
  EXPECT_EQ(relay.Stats().published, 1U);
}

}  // namespace
}  // namespace bookstore::bus::test
