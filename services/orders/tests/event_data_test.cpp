#include "domain/event_data.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "bookstore/json/json.h"
#include "domain/errors.h"

namespace bookstore::orders {
namespace {

namespace json = boost::json;

TEST(EventDataTest, ParsesStockReservedWithExactPrices) {
  const auto event = ParseStockReserved(json::parse(
      R"({"order_id":5,"user_id":2,"items":[{"book_id":3,"title":"Dune","seller_id":9,"quantity":2,"unit_price":12.5},
          {"book_id":4,"title":"Emma","seller_id":8,"quantity":1,"unit_price":0.1}],"total_price":25.1})"));
  EXPECT_EQ(event.order_id, 5);
  EXPECT_EQ(event.user_id, 2);
  ASSERT_EQ(event.items.size(), 2U);
  EXPECT_EQ(event.items[0].title, "Dune");
  EXPECT_EQ(event.items[0].seller_id, 9);
  EXPECT_EQ(event.items[0].unit_price_cents, 1250);
  EXPECT_EQ(event.items[1].unit_price_cents, 10);
  EXPECT_EQ(event.total_cents, 2510);
}

TEST(EventDataTest, RefusesMalformedStockReserved) {
  EXPECT_THROW(ParseStockReserved(json::parse(R"([])")), MalformedEvent);
  EXPECT_THROW(ParseStockReserved(json::parse(R"({"order_id":5,"user_id":2,"items":[],"total_price":1})")),
               MalformedEvent);
  EXPECT_THROW(
      ParseStockReserved(json::parse(
          R"({"order_id":5,"user_id":2,"items":[{"book_id":3,"seller_id":9,"quantity":2,"unit_price":1.234}],"total_price":1})")),
      MalformedEvent);
  EXPECT_THROW(
      ParseStockReserved(json::parse(
          R"({"order_id":"5","user_id":2,"items":[{"book_id":3,"seller_id":9,"quantity":2,"unit_price":1}],"total_price":2})")),
      MalformedEvent);
}

// Orders' own rule on top of money::FromJson: an event's amount is never negative nor above 10^15 cents.
TEST(EventDataTest, RefusesNegativeAndAbsurdAmounts) {
  const auto with_price = [](const std::string& price) {
    return json::parse(R"({"id":3,"title":"Dune","price":)" + price +
                       R"(,"stock":4,"seller_id":9,"version":7})");
  };
  EXPECT_EQ(ParseBookEvent(with_price("0"), false).price_cents, 0);
  EXPECT_EQ(ParseBookEvent(with_price("10000000000000"), false).price_cents, 1'000'000'000'000'000);
  for (const char* bad : {"-1", "-0.5", "10000000000000.01", "\"12.50\"", "null"}) {
    EXPECT_THROW(ParseBookEvent(with_price(bad), false), MalformedEvent) << bad;
  }
}

TEST(EventDataTest, ParsesStockRejected) {
  const auto event = ParseStockRejected(json::parse(
      R"({"order_id":5,"user_id":2,"reason":"insufficient_stock","items":[{"book_id":3,"requested":4,"available":1}]})"));
  EXPECT_EQ(event.reason, "insufficient_stock");
  ASSERT_EQ(event.items.size(), 1U);
  EXPECT_EQ(event.items[0].requested, 4);
  EXPECT_EQ(event.items[0].available, 1);
  EXPECT_THROW(ParseStockRejected(json::parse(R"({"order_id":5,"user_id":2,"reason":"other","items":[]})")),
               MalformedEvent);
}

TEST(EventDataTest, ParsesBookEvents) {
  const auto text = R"({"id":3,"title":"Dune","author":"Herbert","description":"","price":9.99,"stock":4,
      "seller_id":9,"seller_name":"Ana","created_at":"x","updated_at":"y","version":7})";
  const auto book = ParseBookEvent(json::parse(text), false);
  EXPECT_EQ(book.id, 3);
  EXPECT_EQ(book.price_cents, 999);
  EXPECT_EQ(book.version, 7);
  EXPECT_FALSE(book.deleted);
  EXPECT_TRUE(ParseBookEvent(json::parse(text), true).deleted);
  EXPECT_THROW(ParseBookEvent(json::parse(R"({"id":3})"), false), MalformedEvent);
}

TEST(EventDataTest, BuildsTheOrderEventsOfDocsEventsMd) {
  EXPECT_EQ(json::serialize(OrderPlacedData(5, 2, {{3, 2}, {4, 1}})),
            R"({"order_id":5,"user_id":2,"items":[{"book_id":3,"quantity":2},{"book_id":4,"quantity":1}]})");
  EXPECT_EQ(json::serialize(OrderCancelledData(5, 2, "payment_timeout")),
            R"({"order_id":5,"user_id":2,"reason":"payment_timeout"})");
  EXPECT_EQ(bookstore::json::Serialize(OrderPaidData(5, 2, 8, 2510, "paypal")),
            R"({"order_id":5,"user_id":2,"payment_id":8,"amount":25.1,"method":"paypal"})");
  EXPECT_EQ(bookstore::json::Serialize(DeliveryAssignedData(5, 2, "DHL", 5000, "DHL-000005-ABC123")),
            R"({"order_id":5,"user_id":2,"provider":"DHL","cost":50,"tracking_number":"DHL-000005-ABC123"})");
}

}  // namespace
}  // namespace bookstore::orders
