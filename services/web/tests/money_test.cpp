#include "views/money.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace bookstore::web {
namespace {

std::optional<std::int64_t> Cents(std::string_view json) { return CentsFromJson(boost::json::parse(json)); }

TEST(MoneyTest, ReadsJsonAmounts) {
  EXPECT_EQ(Cents("12"), 1200);
  EXPECT_EQ(Cents("12.5"), 1250);
  EXPECT_EQ(Cents("19.99"), 1999);
  EXPECT_EQ(Cents("0.1"), 10);
  EXPECT_EQ(Cents("1000000.00"), 100000000);
  EXPECT_EQ(Cents(R"("12.50")"), 1250);
  EXPECT_FALSE(Cents(R"("12.505")"));
  EXPECT_FALSE(Cents("null"));
  EXPECT_FALSE(Cents("1e300"));
}

TEST(MoneyTest, FormatsWithCurrencyAndThousands) {
  EXPECT_EQ(FormatCents(0), "$0.00");
  EXPECT_EQ(FormatCents(5), "$0.05");
  EXPECT_EQ(FormatCents(1250), "$12.50");
  EXPECT_EQ(FormatCents(123456789), "$1,234,567.89");
  EXPECT_EQ(FormatCents(-1250), "-$12.50");
}

TEST(MoneyTest, NormalizesTypedPrices) {
  EXPECT_EQ(NormalizePriceInput("12"), "12.00");
  EXPECT_EQ(NormalizePriceInput(" 12.5 "), "12.50");
  EXPECT_EQ(NormalizePriceInput("$9.99"), "9.99");
  EXPECT_FALSE(NormalizePriceInput(""));
  EXPECT_FALSE(NormalizePriceInput("12."));
  EXPECT_FALSE(NormalizePriceInput(".5"));
  EXPECT_FALSE(NormalizePriceInput("1.234"));
  EXPECT_FALSE(NormalizePriceInput("-3"));
  EXPECT_FALSE(NormalizePriceInput("1e3"));
  EXPECT_FALSE(NormalizePriceInput("12,50"));
  EXPECT_FALSE(NormalizePriceInput("abc"));
}

}  // namespace
}  // namespace bookstore::web
