// Unit tests: the topology table and topic matching.
#include "bookstore/bus/topology.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::bus {
namespace {

// Every event type of docs/design.md §3.
constexpr std::array<std::string_view, 12> kAllTypes = {"book.created",         "book.updated",
                                                        "book.deleted",         "book.stock_changed",
                                                        "order.placed",         "order.stock_reserved",
                                                        "order.stock_rejected", "order.paid",
                                                        "order.cancelled",      "order.delivery_assigned",
                                                        "user.registered",      "auth.token_revoked"};

std::vector<std::string> TypesBoundTo(const ServiceQueue& queue) {
  std::vector<std::string> bound;
  for (const auto& type : kAllTypes) {
    for (const auto& pattern : queue.bindings) {
      if (TopicMatches(pattern, type)) {
        bound.emplace_back(type);
        break;
      }
    }
  }
  return bound;
}

TEST(TopologyTest, DefaultNamesFollowTheDesign) {
  const Topology topology = Topology::Default();
  EXPECT_EQ(topology.exchange, "bookstore.events");
  EXPECT_EQ(topology.dead_letter_exchange, "bookstore.dlx");
  ASSERT_EQ(topology.queues.size(), 2U);
  EXPECT_EQ(topology.QueueOf("catalog").name, "catalog.events");
  EXPECT_EQ(topology.QueueOf("catalog").dead_letter_queue, "catalog.events.dead");
  EXPECT_EQ(topology.QueueOf("orders").name, "orders.events");
  EXPECT_EQ(topology.QueueOf("orders").dead_letter_queue, "orders.events.dead");
  EXPECT_THROW((void)topology.QueueOf("gateway"), std::invalid_argument);
}

TEST(TopologyTest, EachServiceQueueGetsTheEventsItsServiceConsumes) {
  const Topology topology = Topology::Default();
  EXPECT_EQ(TypesBoundTo(topology.QueueOf("catalog")),
            (std::vector<std::string>{"order.placed", "order.cancelled", "user.registered"}));
  EXPECT_EQ(TypesBoundTo(topology.QueueOf("orders")),
            (std::vector<std::string>{"book.created", "book.updated", "book.deleted", "order.stock_reserved",
                                      "order.stock_rejected"}));
  // An earlier version bound orders.events to book.*: declaring removes it.
  EXPECT_EQ(topology.QueueOf("orders").retired_bindings, std::vector<std::string>{"book.*"});
}

TEST(TopologyTest, OnlyGatewayEventsMayBeUnroutable) {
  const Topology topology = Topology::Default();
  for (const auto& type : kAllTypes) {
    const bool gateway_only = type == "order.paid" || type == "order.delivery_assigned" ||
                              type == "auth.token_revoked" || type == "book.stock_changed";
    EXPECT_EQ(topology.HasDurableRoute(type), !gateway_only) << type;
  }
}

TEST(TopologyTest, PrefixAndDeliveryLimitApplyEverywhere) {
  const Topology topology = Topology::Default("t1.", 7);
  EXPECT_EQ(topology.exchange, "t1.bookstore.events");
  EXPECT_EQ(topology.dead_letter_exchange, "t1.bookstore.dlx");
  EXPECT_EQ(topology.delivery_limit, 7);
  for (const auto& queue : topology.queues) {
    EXPECT_EQ(queue.name.rfind("t1.", 0), 0U) << queue.name;
    EXPECT_EQ(queue.dead_letter_queue, queue.name + ".dead");
  }
  // Routing keys are event types: never prefixed.
  EXPECT_EQ(topology.QueueOf("catalog").bindings, Topology::Default().QueueOf("catalog").bindings);
}

struct TopicCase {
  const char* pattern;
  const char* key;
  bool matches;
};

TEST(TopicMatchesTest, FollowsAmqpTopicRules) {
  const std::vector<TopicCase> cases = {
      {"book.*", "book.created", true},
      {"book.*", "book", false},
      {"book.*", "book.a.b", false},
      {"book.*", "order.created", false},
      {"*.created", "book.created", true},
      {"order.placed", "order.placed", true},
      {"order.placed", "order.placed.x", false},
      {"order.#", "order", true},
      {"order.#", "order.a.b", true},
      {"#", "anything.at.all", true},
      {"#.paid", "order.paid", true},
      {"#.paid", "paid", true},
      {"a.#.z", "a.b.c.z", true},
      {"a.#.z", "a.z", true},
      {"a.#.z", "a.b.c", false},
      {"*", "one", true},
      {"*", "one.two", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(TopicMatches(c.pattern, c.key), c.matches) << c.pattern << " vs " << c.key;
  }
}

}  // namespace
}  // namespace bookstore::bus
