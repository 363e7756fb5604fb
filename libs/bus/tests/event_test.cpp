// Unit tests: CloudEvents serialisation and parsing, URL parsing, options from the environment.
#include "bookstore/bus/event.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/json/parse.hpp>
#include <map>
#include <regex>
#include <set>

#include "amqp_connection.h"
#include "bookstore/bus/options.h"
#include "bookstore/config/env.h"

namespace bookstore::bus {
namespace {

namespace json = boost::json;

TEST(EventTest, MakeEventFillsTheEnvelope) {
  const Event event = MakeEvent("book.created", "catalog", {{"id", 42}});
  EXPECT_TRUE(std::regex_match(
      event.id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << event.id;
  EXPECT_TRUE(std::regex_match(event.time, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")))
      << event.time;
  EXPECT_EQ(event.type, "book.created");
  EXPECT_EQ(event.source, "catalog");
  EXPECT_EQ(event.data, json::value({{"id", 42}}));
  EXPECT_TRUE(event.traceparent.empty());
}

TEST(EventTest, EveryEventGetsItsOwnId) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(MakeEvent("book.created", "catalog", nullptr).id);
  EXPECT_EQ(ids.size(), 1000U);
}

TEST(EventTest, SerializesTheStructuredModeBodyInOrder) {
  Event event{"id-1",         "orders", "order.placed", "2026-11-27T17:00:00.123Z", {{"order_id", 5}},
              "00-abc-def-01"};
  EXPECT_EQ(Serialize(event), R"({"specversion":"1.0","id":"id-1","source":"orders","type":"order.placed",)"
                              R"("time":"2026-11-27T17:00:00.123Z","data":{"order_id":5}})");
}

TEST(EventTest, SerializesAmountsAsExactDecimals) {
  // Boost.JSON alone would print 12.5 as 1.25E1; docs/events.md promises plain decimals.
  Event event{"id-1", "catalog", "book.updated", "2026-11-27T17:00:00.123Z", {{"price", 12.5}, {"stock", 3}},
              ""};
  EXPECT_EQ(Serialize(event), R"({"specversion":"1.0","id":"id-1","source":"catalog","type":"book.updated",)"
                              R"("time":"2026-11-27T17:00:00.123Z","data":{"price":12.5,"stock":3}})");
}

TEST(EventTest, ParseReadsWhatSerializeWrote) {
  const Event original = MakeEvent("order.stock_reserved", "catalog",
                                   {{"order_id", 5},
                                    {"items", json::array{{{"book_id", 1}, {"unit_price", 12.5}}}},
                                    {"title", "Cien años de soledad 📚"}});
  const Event parsed = ParseEvent(Serialize(original));
  EXPECT_EQ(parsed.id, original.id);
  EXPECT_EQ(parsed.source, original.source);
  EXPECT_EQ(parsed.type, original.type);
  EXPECT_EQ(parsed.time, original.time);
  EXPECT_EQ(parsed.data, original.data);
  EXPECT_TRUE(parsed.traceparent.empty()) << "traceparent travels as an AMQP header, not in the body";
}

TEST(EventTest, ParseIgnoresExtensionsAndAcceptsMissingData) {
  const Event event = ParseEvent(
      R"({"specversion":"1.0","id":"x1","source":"s","type":"t.x","time":"2026-01-01T00:00:00Z","ext":1})");
  EXPECT_EQ(event.id, "x1");
  EXPECT_TRUE(event.data.is_null());
}

TEST(EventTest, ParseRejectsWhatIsNotAnEvent) {
  const std::string valid_tail = R"("source":"s","type":"t.x","time":"2026-01-01T00:00:00Z","data":{}})";
  const std::vector<std::string> bad = {
      "",
      "{not json",
      "[1,2]",
      "\"text\"",
      R"({"id":"x","source":"s","type":"t","time":"z"})",  // no specversion
      R"({"specversion":"0.3","id":"x",)" + valid_tail,
      R"({"specversion":1.0,"id":"x",)" + valid_tail,
      R"({"specversion":"1.0",)" + valid_tail,  // no id
      R"({"specversion":"1.0","id":"",)" + valid_tail,
      R"({"specversion":"1.0","id":7,)" + valid_tail,
      R"({"specversion":"1.0","id":"has space",)" + valid_tail,
      R"({"specversion":"1.0","id":")" + std::string(101, 'a') + R"(",)" + valid_tail,
      R"({"specversion":"1.0","id":"x","source":"","type":"t","time":"z"})",
      R"({"specversion":"1.0","id":"x","source":"s","type":"a b","time":"z"})",
      R"({"specversion":"1.0","id":"x","source":"s","type":"t"})",  // no time
  };
  for (const auto& body : bad) EXPECT_THROW(ParseEvent(body), BadEvent) << body;
}

TEST(EventTest, MakeEventRefusesUnusableTypesAndSources) {
  EXPECT_THROW(MakeEvent("", "catalog", nullptr), BadEvent);
  EXPECT_THROW(MakeEvent("book created", "catalog", nullptr), BadEvent);
  EXPECT_THROW(MakeEvent(std::string(256, 'a'), "catalog", nullptr), BadEvent);
  EXPECT_THROW(MakeEvent("book.créé", "catalog", nullptr), BadEvent);
  EXPECT_THROW(MakeEvent("book.created", "", nullptr), BadEvent);
  EXPECT_NO_THROW(MakeEvent(std::string(255, 'a'), "catalog", nullptr));
}

TEST(AmqpUrlTest, ParsesTheProjectsUrls) {
  auto url = detail::ParseAmqpUrl("amqp://guest:guest@127.0.0.1:5680/");
  EXPECT_EQ(url.user, "guest");
  EXPECT_EQ(url.password, "guest");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 5680);
  EXPECT_EQ(url.vhost, "/");

  url = detail::ParseAmqpUrl("amqp://catalog:p%40ss@rabbitmq/bookstore");
  EXPECT_EQ(url.password, "p@ss");
  EXPECT_EQ(url.host, "rabbitmq");
  EXPECT_EQ(url.port, 5672);
  EXPECT_EQ(url.vhost, "bookstore");

  EXPECT_EQ(detail::ParseAmqpUrl("amqp://h").vhost, "/");
  EXPECT_EQ(detail::ParseAmqpUrl("amqp://h/%2f").vhost, "/");
}

TEST(AmqpUrlTest, RefusesOtherSchemes) {
  EXPECT_THROW(detail::ParseAmqpUrl("http://h/"), BrokerError);
  EXPECT_THROW(detail::ParseAmqpUrl("amqps://h/"), BrokerError);
  EXPECT_THROW(detail::ParseAmqpUrl("guest@h"), BrokerError);
}

config::Source FakeEnvironment(const std::map<std::string, std::string>& values) {
  return config::Source{[values](const std::string& name) -> std::optional<std::string> {
                          auto it = values.find(name);
                          if (it == values.end()) return std::nullopt;
                          return it->second;
                        },
                        [](const std::string&) -> std::optional<std::string> { return std::nullopt; }};
}

TEST(OptionsTest, ReadsTheEnvironment) {
  const std::array<const char*, 1> argv = {"catalog"};
  config::Env env("catalog", 1, argv.data(),
                  FakeEnvironment({{"AMQP_URL", "amqp://u:pw-Zq9@mq:5673/v"},
                                   {"AMQP_NAME_PREFIX", "blue."},
                                   {"AMQP_DELIVERY_LIMIT", "9"},
                                   {"AMQP_PREFETCH", "20"},
                                   {"AMQP_CONSUMER_WORKERS", "3"},
                                   {"OUTBOX_POLL_INTERVAL", "50ms"},
                                   {"OUTBOX_RETENTION", "2h"}}));
  const Options options = Options::FromEnv(env, "catalog");
  EXPECT_TRUE(env.Errors().empty());
  EXPECT_EQ(options.url, "amqp://u:pw-Zq9@mq:5673/v");
  EXPECT_EQ(options.client_name, "catalog");
  EXPECT_EQ(options.topology.exchange, "blue.bookstore.events");
  EXPECT_EQ(options.topology.QueueOf("catalog").name, "blue.catalog.events");
  EXPECT_EQ(options.topology.delivery_limit, 9);
  EXPECT_EQ(options.prefetch, 20);
  EXPECT_EQ(options.consumer_workers, 3);
  EXPECT_EQ(options.relay_poll_interval, std::chrono::milliseconds(50));
  EXPECT_EQ(options.outbox_retention, std::chrono::hours(2));
  EXPECT_EQ(env.HelpText().find("pw-Zq9"), std::string::npos) << "AMQP_URL holds a password: never print it";
}

TEST(OptionsTest, DefaultsMatchTheDesign) {
  const std::array<const char*, 1> argv = {"orders"};
  config::Env env("orders", 1, argv.data(), FakeEnvironment({}));
  const Options options = Options::FromEnv(env, "orders");
  EXPECT_TRUE(env.Errors().empty());
  EXPECT_EQ(options.topology.exchange, "bookstore.events");
  EXPECT_EQ(options.topology.dead_letter_exchange, "bookstore.dlx");
  EXPECT_EQ(options.relay_poll_interval, std::chrono::milliseconds(200));
  EXPECT_EQ(options.consumer_workers, 1);  // more would split the batches (options.h)
}

TEST(OptionsTest, ReportsBadValues) {
  const std::array<const char*, 1> argv = {"orders"};
  config::Env env("orders", 1, argv.data(),
                  FakeEnvironment({{"AMQP_PREFETCH", "0"}, {"AMQP_DELIVERY_LIMIT", "x"}}));
  Options::FromEnv(env, "orders");
  EXPECT_EQ(env.Errors().size(), 2U);
}

}  // namespace
}  // namespace bookstore::bus
