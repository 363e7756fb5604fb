#include "domain/saga.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "bookstore/json/json.h"

namespace bookstore::catalog {
namespace {

namespace json = boost::json;

Book MakeBook(std::int64_t id, std::int64_t stock, std::int64_t price_cents, bool deleted = false) {
  Book book;
  book.id = id;
  book.title = "Book " + std::to_string(id);
  book.seller_id = 100 + id;
  book.stock = stock;
  book.price_cents = price_cents;
  book.deleted = deleted;
  return book;
}

TEST(ParseOrderPlaced, MergesAndSortsItems) {
  const PlacedOrder order = ParseOrderPlaced(json::parse(
      R"({"order_id":5,"user_id":2,"items":[{"book_id":9,"quantity":1},{"book_id":3,"quantity":2},)"
      R"({"book_id":9,"quantity":4}],"extra":true})"));
  EXPECT_EQ(order.order_id, 5);
  EXPECT_EQ(order.user_id, 2);
  ASSERT_EQ(order.items.size(), 2U);
  EXPECT_EQ(order.items[0].book_id, 3);
  EXPECT_EQ(order.items[0].quantity, 2);
  EXPECT_EQ(order.items[1].book_id, 9);
  EXPECT_EQ(order.items[1].quantity, 5);
}

TEST(ParseOrderPlaced, RefusesMalformedData) {
  for (
      const char* text :
      {R"(null)", R"([])", R"({"user_id":2,"items":[{"book_id":1,"quantity":1}]})",
       R"({"order_id":0,"user_id":2,"items":[{"book_id":1,"quantity":1}]})",
       R"({"order_id":1,"user_id":2,"items":[]})", R"({"order_id":1,"user_id":2,"items":{}})",
       R"({"order_id":1,"user_id":2,"items":[{"book_id":1,"quantity":0}]})",
       R"({"order_id":1,"user_id":2,"items":[{"book_id":1,"quantity":1.5}]})",
       R"({"order_id":1,"user_id":2,"items":[{"book_id":"1","quantity":1}]})",
       R"({"order_id":1,"user_id":2,"items":[{"book_id":1,"quantity":600000},{"book_id":1,"quantity":600000}]})",
       R"({"order_id":"1","user_id":2,"items":[{"book_id":1,"quantity":1}]})"}) {
    EXPECT_THROW(ParseOrderPlaced(json::parse(text)), MalformedEvent) << text;
  }
}

TEST(ParseOrderCancelled, ReadsOrderAndUser) {
  const CancelledOrder order =
      ParseOrderCancelled(json::parse(R"({"order_id":8,"user_id":3,"reason":"user"})"));
  EXPECT_EQ(order.order_id, 8);
  EXPECT_EQ(order.user_id, 3);
  EXPECT_THROW(ParseOrderCancelled(json::parse(R"({"order_id":-8,"user_id":3})")), MalformedEvent);
}

PlacedOrder Order(std::vector<OrderItem> items) { return PlacedOrder{77, 5, std::move(items)}; }

TEST(DecideReservation, ReservesWhenEveryItemHasStock) {
  const std::map<std::int64_t, Book> books{{1, MakeBook(1, 2, 1000)}, {2, MakeBook(2, 1, 250)}};
  const auto decision = DecideReservation(Order({{1, 2}, {2, 1}}), books);
  EXPECT_TRUE(decision.reserve);
  EXPECT_TRUE(decision.shortfalls.empty());
}

TEST(DecideReservation, OneShortItemRejectsTheWholeOrder) {
  const std::map<std::int64_t, Book> books{{1, MakeBook(1, 5, 1000)}, {2, MakeBook(2, 1, 250)}};
  const auto decision = DecideReservation(Order({{1, 2}, {2, 3}}), books);
  EXPECT_FALSE(decision.reserve);
  EXPECT_EQ(decision.reason, "insufficient_stock");
  ASSERT_EQ(decision.shortfalls.size(), 1U);
  EXPECT_EQ(decision.shortfalls[0].book_id, 2);
  EXPECT_EQ(decision.shortfalls[0].requested, 3);
  EXPECT_EQ(decision.shortfalls[0].available, 1);
}

TEST(DecideReservation, MissingOrDeletedBooksAreNotFound) {
  const std::map<std::int64_t, Book> books{{1, MakeBook(1, 0, 1000)},
                                           {2, MakeBook(2, 9, 250, /*deleted=*/true)}};
  const auto decision = DecideReservation(Order({{1, 1}, {2, 1}, {3, 1}}), books);
  EXPECT_FALSE(decision.reserve);
  EXPECT_EQ(decision.reason, "book_not_found");
  ASSERT_EQ(decision.shortfalls.size(), 2U);
  EXPECT_EQ(decision.shortfalls[0].book_id, 2);
  EXPECT_EQ(decision.shortfalls[1].book_id, 3);
  EXPECT_EQ(decision.shortfalls[1].available, 0);
}

TEST(StockReservedData, HasCatalogPricesTitlesAndAnExactTotal) {
  const std::map<std::int64_t, Book> books{{1, MakeBook(1, 5, 1999)}, {2, MakeBook(2, 5, 1)}};
  const auto data = StockReservedData(Order({{1, 3}, {2, 1}}), books);
  EXPECT_EQ(
      bookstore::json::Serialize(data),
      R"({"order_id":77,"user_id":5,"items":[{"book_id":1,"title":"Book 1","seller_id":101,"quantity":3,)"
      R"("unit_price":19.99},{"book_id":2,"title":"Book 2","seller_id":102,"quantity":1,"unit_price":0.01}],)"
      R"("total_price":59.98})");
}

TEST(StockRejectedData, ListsTheItemsShort) {
  ReservationDecision decision{false, "insufficient_stock", {{2, 3, 1}}};
  EXPECT_EQ(bookstore::json::Serialize(StockRejectedData(Order({{1, 1}, {2, 3}}), decision)),
            R"({"order_id":77,"user_id":5,"reason":"insufficient_stock","items":[{"book_id":2,"requested":3,)"
            R"("available":1}]})");
}

}  // namespace
}  // namespace bookstore::catalog
