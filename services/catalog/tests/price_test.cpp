#include "domain/price.h"

#include <gtest/gtest.h>

#include <string>

#include "bookstore/service/validation_error.h"

namespace bookstore::catalog {
namespace {

std::string PriceError(std::string_view text) {
  try {
    ParsePriceCents(text);
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.Field(), "price");
    return e.what();
  }
  return "accepted";
}

TEST(ParsePriceCents, ReadsPlainDecimals) {
  EXPECT_EQ(ParsePriceCents("12"), 1200);
  EXPECT_EQ(ParsePriceCents("12.5"), 1250);
  EXPECT_EQ(ParsePriceCents("12.50"), 1250);
  EXPECT_EQ(ParsePriceCents("0.01"), 1);
  EXPECT_EQ(ParsePriceCents("19.99"), 1999);
  EXPECT_EQ(ParsePriceCents("1000000"), 100'000'000);
  EXPECT_EQ(ParsePriceCents("1000000.00"), 100'000'000);
}

TEST(ParsePriceCents, IsExactWhereADoubleIsNot) {
  // 0.29 * 100 is 28.999999999999996 in binary floating point.
  EXPECT_EQ(ParsePriceCents("0.29"), 29);
  EXPECT_EQ(ParsePriceCents("999999.99"), 99'999'999);
  EXPECT_EQ(ParsePriceCents("4.35"), 435);
}

TEST(ParsePriceCents, AcceptsExponentsAndTrailingZeros) {
  EXPECT_EQ(ParsePriceCents("1e2"), 10000);
  EXPECT_EQ(ParsePriceCents("1.5E1"), 1500);
  EXPECT_EQ(ParsePriceCents("1250e-2"), 1250);
  EXPECT_EQ(ParsePriceCents("1e+6"), 100'000'000);
  EXPECT_EQ(ParsePriceCents("10.500"), 1050);
  EXPECT_EQ(ParsePriceCents("0.0100000"), 1);
  EXPECT_EQ(ParsePriceCents("00012.30"), 1230);
}

TEST(ParsePriceCents, RefusesZeroAndNegative) {
  EXPECT_EQ(PriceError("0"), "price must be above 0");
  EXPECT_EQ(PriceError("0.00"), "price must be above 0");
  EXPECT_EQ(PriceError("-0"), "price must be above 0");
  EXPECT_EQ(PriceError("-5"), "price must be above 0");
  EXPECT_EQ(PriceError("-0.01"), "price must be above 0");
  EXPECT_EQ(PriceError("0e99999999999"), "price must be above 0");
}

TEST(ParsePriceCents, RefusesMoreThanTwoDecimals) {
  EXPECT_EQ(PriceError("12.345"), "price must have at most two decimals");
  EXPECT_EQ(PriceError("0.001"), "price must have at most two decimals");
  EXPECT_EQ(PriceError("1e-3"), "price must have at most two decimals");
  EXPECT_EQ(PriceError("1e-99999999999"), "price must have at most two decimals");
  EXPECT_EQ(PriceError("12.3400001"), "price must have at most two decimals");
}

TEST(ParsePriceCents, RefusesMoreThanAMillion) {
  EXPECT_EQ(PriceError("1000000.01"), "price must be at most 1000000");
  EXPECT_EQ(PriceError("1e7"), "price must be at most 1000000");
  EXPECT_EQ(PriceError("99999999999999999999999999"), "price must be at most 1000000");
  EXPECT_EQ(PriceError("1e99999999999"), "price must be at most 1000000");
}

TEST(ParsePriceCents, RefusesWhatIsNotANumber) {
  for (const char* text : {"", "abc", "12.", ".5", "1e", "1e+", "12,50", "1 2", "+5", "0x10", "12.5.0"}) {
    EXPECT_EQ(PriceError(text), "price must be a number") << text;
  }
}

}  // namespace
}  // namespace bookstore::catalog
