#include "domain/money.h"

#include <gtest/gtest.h>

#include <charconv>
#include <random>
#include <string>

#include "domain/json_text.h"
#include "domain/validation_error.h"

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

TEST(CentsToDecimal, PrintsTwoDecimals) {
  EXPECT_EQ(CentsToDecimal(1250), "12.50");
  EXPECT_EQ(CentsToDecimal(1), "0.01");
  EXPECT_EQ(CentsToDecimal(0), "0.00");
  EXPECT_EQ(CentsToDecimal(100'000'000), "1000000.00");
  EXPECT_EQ(CentsToDecimal(-5), "-0.05");
}

TEST(DecimalToCents, ReadsWhatMariaDbPrints) {
  EXPECT_EQ(DecimalToCents("12.50"), 1250);
  EXPECT_EQ(DecimalToCents("0.01"), 1);
  EXPECT_EQ(DecimalToCents("7"), 700);
  EXPECT_EQ(DecimalToCents("3.1"), 310);
  EXPECT_EQ(DecimalToCents("-3.10"), -310);
  for (const char* bad : {"", "1.234", "abc", "1.", ".5", "--1"}) {
    EXPECT_THROW(DecimalToCents(bad), std::invalid_argument) << bad;
  }
}

// The canonical text of an amount without trailing zeros: what SerializeJson must print.
std::string Expected(std::int64_t cents) {
  std::string text = CentsToDecimal(cents);
  while (text.back() == '0') {
    text.pop_back();
  }
  if (text.back() == '.') {
    text.pop_back();
  }
  return text;
}

TEST(CentsToJsonNumber, PrintsExactlyForEveryPriceUpToAThousand) {
  for (std::int64_t cents = 1; cents <= 100'000; ++cents) {
    ASSERT_EQ(SerializeJson(CentsToJsonNumber(cents)), Expected(cents)) << cents;
  }
}

TEST(CentsToJsonNumber, PrintsExactlyForLargeAmounts) {
  static_assert(kExactJsonCentsLimit >= 1'000'000'000'000'000);
  std::mt19937_64 random(42);  // fixed seed: the same amounts every run
  std::uniform_int_distribution<std::int64_t> amounts(1, kExactJsonCentsLimit);  // beyond prices: totals
  for (int i = 0; i < 200'000; ++i) {
    const std::int64_t cents = i < 100 ? kExactJsonCentsLimit - i : amounts(random);
    ASSERT_EQ(SerializeJson(CentsToJsonNumber(cents)), Expected(cents)) << cents;
  }
}

TEST(CentsToJsonNumber, LosesCentsBeyondTheLimit) {
  // Why the limit exists: here neighbouring amounts share one double.
  EXPECT_NE(SerializeJson(CentsToJsonNumber(7'438'947'802'221'741)), "74389478022217.41");
}

}  // namespace
}  // namespace bookstore::catalog
