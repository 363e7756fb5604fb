#include "views/money.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <limits>

namespace bookstore::web {
namespace {

std::optional<std::int64_t> Cents(std::string_view json) { return CentsFromJson(boost::json::parse(json)); }

// Numbers are money::FromJson's (libs/money/tests); web also reads decimal strings.
TEST(MoneyTest, ReadsJsonAmountsAndDecimalStrings) {
  EXPECT_EQ(Cents("12.5"), 1250);
  EXPECT_EQ(Cents(R"("12.50")"), 1250);
  EXPECT_EQ(Cents(R"("-3.10")"), -310);
  EXPECT_FALSE(Cents(R"("12.505")"));
  EXPECT_FALSE(Cents(R"(" 12.50")"));
  EXPECT_FALSE(Cents("null"));
}

TEST(MoneyTest, FormatsWithCurrencyAndThousands) {
  EXPECT_EQ(FormatCents(0), "$0.00");
  EXPECT_EQ(FormatCents(5), "$0.05");
  EXPECT_EQ(FormatCents(1250), "$12.50");
  EXPECT_EQ(FormatCents(99999), "$999.99");
  EXPECT_EQ(FormatCents(100000), "$1,000.00");
  EXPECT_EQ(FormatCents(123456789), "$1,234,567.89");
  EXPECT_EQ(FormatCents(-1250), "-$12.50");
  EXPECT_EQ(FormatCents(-123456789), "-$1,234,567.89");
  EXPECT_EQ(FormatCents(std::numeric_limits<std::int64_t>::min()), "-$92,233,720,368,547,758.08");
}

TEST(MoneyTest, NormalizesTypedPrices) {
  EXPECT_EQ(NormalizePriceInput("12"), "12.00");
  EXPECT_EQ(NormalizePriceInput(" 12.5 "), "12.50");
  EXPECT_EQ(NormalizePriceInput("$9.99"), "9.99");
  EXPECT_EQ(NormalizePriceInput("0012"), "12.00");
  EXPECT_EQ(NormalizePriceInput("$ 5"), std::nullopt);
  EXPECT_FALSE(NormalizePriceInput(""));
  EXPECT_FALSE(NormalizePriceInput("$"));
  EXPECT_FALSE(NormalizePriceInput("-3"));
  EXPECT_FALSE(NormalizePriceInput("-0"));
  EXPECT_FALSE(NormalizePriceInput("$-3"));
  EXPECT_FALSE(NormalizePriceInput("1.234"));  // the rest of the grammar: money::ParseDecimal's tests
}

}  // namespace
}  // namespace bookstore::web
