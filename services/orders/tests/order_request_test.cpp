#include "domain/order_request.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "domain/errors.h"

namespace bookstore::orders {
namespace {

OrderRequest ParseOrder(std::string_view text) {
  return ParseOrderRequest(boost::json::parse(text).as_object());
}

std::string FieldOf(std::string_view text) {
  try {
    ParseOrder(text);
  } catch (const ValidationError& e) {
    return e.Field();
  }
  return "(accepted)";
}

TEST(OrderRequestTest, ReadsTheItemsShape) {
  const OrderRequest request =
      ParseOrder(R"({"items":[{"book_id":3,"quantity":2},{"book_id":9,"quantity":1}]})");
  ASSERT_EQ(request.items.size(), 2U);
  EXPECT_EQ(request.items[0].book_id, 3);
  EXPECT_EQ(request.items[0].quantity, 2);
  EXPECT_EQ(request.items[1].book_id, 9);
  EXPECT_FALSE(request.user_id.has_value());
}

TEST(OrderRequestTest, ReadsTheSingleBookShapeWithQuantityOneByDefault) {
  const OrderRequest request = ParseOrder(R"({"book_id":7})");
  ASSERT_EQ(request.items.size(), 1U);
  EXPECT_EQ(request.items[0].book_id, 7);
  EXPECT_EQ(request.items[0].quantity, 1);
  EXPECT_EQ(ParseOrder(R"({"book_id":7,"quantity":5,"user_id":12})").user_id, 12);
}

TEST(OrderRequestTest, MergesTheSameBookNamedTwice) {
  const OrderRequest request = ParseOrder(
      R"({"items":[{"book_id":3,"quantity":2},{"book_id":4,"quantity":1},{"book_id":3,"quantity":5}]})");
  ASSERT_EQ(request.items.size(), 2U);
  EXPECT_EQ(request.items[0].book_id, 3);
  EXPECT_EQ(request.items[0].quantity, 7);
  EXPECT_EQ(FieldOf(R"({"items":[{"book_id":3,"quantity":600},{"book_id":3,"quantity":401}]})"),
            "items[1].quantity");
}

TEST(OrderRequestTest, RefusesBadInputNamingTheField) {
  EXPECT_EQ(FieldOf(R"({})"), "book_id");
  EXPECT_EQ(FieldOf(R"({"book_id":0})"), "book_id");
  EXPECT_EQ(FieldOf(R"({"book_id":"3"})"), "book_id");
  EXPECT_EQ(FieldOf(R"({"book_id":3.0})"), "book_id");
  EXPECT_EQ(FieldOf(R"({"book_id":3,"quantity":0})"), "quantity");
  EXPECT_EQ(FieldOf(R"({"book_id":3,"quantity":1001})"), "quantity");
  EXPECT_EQ(FieldOf(R"({"book_id":3,"quantity":-1})"), "quantity");
  EXPECT_EQ(FieldOf(R"({"book_id":3,"quantity":1000})"), "(accepted)");
  EXPECT_EQ(FieldOf(R"({"items":[]})"), "items");
  EXPECT_EQ(FieldOf(R"({"items":{}})"), "items");
  EXPECT_EQ(FieldOf(R"({"items":[5]})"), "items");
  EXPECT_EQ(FieldOf(R"({"items":[{"book_id":3}]})"), "items[0].quantity");
  EXPECT_EQ(FieldOf(R"({"items":[{"book_id":3,"quantity":1},{"quantity":1}]})"), "items[1].book_id");
  EXPECT_EQ(FieldOf(R"({"items":[{"book_id":3,"quantity":1}],"book_id":3})"), "items");
  EXPECT_EQ(FieldOf(R"({"book_id":3,"user_id":"me"})"), "user_id");
  EXPECT_EQ(FieldOf(R"({"book_id":18446744073709551615})"), "book_id");
}

TEST(OrderRequestTest, LimitsTheNumberOfItems) {
  std::string items;
  for (std::size_t i = 1; i <= kMaxItems + 1; ++i) {
    items +=
        (items.empty() ? "" : ",") + std::string(R"({"book_id":)") + std::to_string(i) + R"(,"quantity":1})";
  }
  EXPECT_EQ(FieldOf(R"({"items":[)" + items + "]}"), "items");
}

TEST(OrderRequestTest, IdempotencyKeysArePrintableAsciiUpTo255) {
  EXPECT_FALSE(ParseIdempotencyKey(std::nullopt).has_value());
  EXPECT_EQ(ParseIdempotencyKey(std::string_view("retry-1f3a")), "retry-1f3a");
  EXPECT_EQ(ParseIdempotencyKey(std::string_view(std::string(255, 'k'))), std::string(255, 'k'));
  EXPECT_THROW(ParseIdempotencyKey(std::string_view("")), ValidationError);
  EXPECT_THROW(ParseIdempotencyKey(std::string_view(std::string(256, 'k'))), ValidationError);
  EXPECT_THROW(ParseIdempotencyKey(std::string_view("with space")), ValidationError);
  EXPECT_THROW(ParseIdempotencyKey(std::string_view("caf\xc3\xa9")), ValidationError);
}

TEST(OrderRequestTest, FingerprintIgnoresTheOrderOfItemsButNotQuantities) {
  const auto a = ParseOrder(R"({"items":[{"book_id":40,"quantity":3},{"book_id":12,"quantity":1}]})");
  const auto b = ParseOrder(R"({"items":[{"book_id":12,"quantity":1},{"book_id":40,"quantity":3}]})");
  const auto c = ParseOrder(R"({"items":[{"book_id":12,"quantity":2},{"book_id":40,"quantity":3}]})");
  EXPECT_EQ(Fingerprint(a), "12x1,40x3");
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
  EXPECT_NE(Fingerprint(a), Fingerprint(c));
  EXPECT_EQ(Fingerprint(ParseOrder(R"({"book_id":12})")),
            Fingerprint(ParseOrder(R"({"items":[{"book_id":12,"quantity":1}]})")));
}

}  // namespace
}  // namespace bookstore::orders
