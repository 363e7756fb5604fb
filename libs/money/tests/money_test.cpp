#include "bookstore/money/money.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include "bookstore/json/json.h"

namespace bookstore::money {
namespace {

std::optional<std::int64_t> FromJsonText(std::string_view text) { return FromJson(boost::json::parse(text)); }

TEST(ToDecimal, PrintsTwoDecimals) {
  EXPECT_EQ(ToDecimal(0), "0.00");
  EXPECT_EQ(ToDecimal(1), "0.01");
  EXPECT_EQ(ToDecimal(5), "0.05");
  EXPECT_EQ(ToDecimal(1250), "12.50");
  EXPECT_EQ(ToDecimal(100'000'000), "1000000.00");
  EXPECT_EQ(ToDecimal(500'000'000'000), "5000000000.00");
  EXPECT_EQ(ToDecimal(-5), "-0.05");
  EXPECT_EQ(ToDecimal(-310), "-3.10");
}

TEST(ToDecimal, HandlesTheExtremesOfInt64) {
  EXPECT_EQ(ToDecimal(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
  EXPECT_EQ(ToDecimal(std::numeric_limits<std::int64_t>::max()), "92233720368547758.07");
}

TEST(ParseDecimal, ReadsPlainDecimals) {
  EXPECT_EQ(ParseDecimal("12"), 1200);
  EXPECT_EQ(ParseDecimal("12.5"), 1250);
  EXPECT_EQ(ParseDecimal("12.50"), 1250);
  EXPECT_EQ(ParseDecimal("0.01"), 1);
  EXPECT_EQ(ParseDecimal("0.29"), 29);  // 0.29 * 100 is 28.999999999999996 as a double
  EXPECT_EQ(ParseDecimal("-3.10"), -310);
  EXPECT_EQ(ParseDecimal("-0.05"), -5);
  EXPECT_EQ(ParseDecimal("007"), 700);
}

TEST(ParseDecimal, RefusesEverythingElse) {
  for (const char* bad : {"", "-", "abc", "12.", ".5", "1.234", "--1", "+5", " 12", "12 ", "1e3", "12,50",
                          "12.5.0", "1.a", "0x10", "$12"}) {
    EXPECT_FALSE(ParseDecimal(bad)) << bad;
  }
}

TEST(ParseDecimal, IsBoundedByMaxCents) {
  EXPECT_EQ(ParseDecimal(ToDecimal(kMaxCents)), kMaxCents);
  EXPECT_EQ(ParseDecimal(ToDecimal(-kMaxCents)), -kMaxCents);
  EXPECT_FALSE(ParseDecimal(ToDecimal(kMaxCents + 1)));
  EXPECT_FALSE(ParseDecimal(ToDecimal(-kMaxCents - 1)));
  EXPECT_FALSE(ParseDecimal("99999999999999999999999999"));  // beyond int64 too
  EXPECT_EQ(ParseDecimal("0000000000000000000000000012.5"), 1250);
}

TEST(FromDecimal, ReadsWhatMariaDbPrintsAndThrowsOtherwise) {
  EXPECT_EQ(FromDecimal("12.50"), 1250);
  EXPECT_EQ(FromDecimal("7"), 700);
  EXPECT_EQ(FromDecimal("3.1"), 310);
  EXPECT_EQ(FromDecimal("-3.10"), -310);
  for (const char* bad : {"", "1.234", "abc", "1.", ".5", "--1", "1.a"}) {
    EXPECT_THROW(FromDecimal(bad), std::invalid_argument) << bad;
  }
}

TEST(FromJson, IsExactForEveryCentValue) {
  for (std::int64_t cents = -200'000; cents < 200'000; cents += 7) {
    EXPECT_EQ(FromJsonText(ToDecimal(cents)), cents) << ToDecimal(cents);
  }
  EXPECT_EQ(FromJsonText("999999.99"), 99'999'999);
  EXPECT_EQ(FromJsonText("12"), 1200);
  EXPECT_EQ(FromJsonText("0.1"), 10);
  EXPECT_EQ(FromJsonText("1250e-2"), 1250);
  EXPECT_EQ(FromJsonText("1000000.00"), 100'000'000);
  EXPECT_EQ(FromJsonText("-0.0"), 0);
  EXPECT_EQ(FromJson(boost::json::value(std::uint64_t{12})), 1200);
}

TEST(FromJson, RefusesWhatIsNotAnAmount) {
  for (const char* bad : {"12.345", "0.001", R"("12.50")", "null", "true", "[]", "{}", "1e300",
                          "18446744073709551615", "-9223372036854775808"}) {
    EXPECT_FALSE(FromJsonText(bad)) << bad;
  }
  EXPECT_FALSE(FromJson(boost::json::value(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_FALSE(FromJson(boost::json::value(std::numeric_limits<double>::infinity())));
  EXPECT_FALSE(FromJson(boost::json::value(0.1 + 0.2)));  // 0.30000000000000004: not an amount
}

TEST(FromJson, IsBoundedByMaxCents) {
  constexpr std::int64_t kMaxUnits = kMaxCents / 100;
  EXPECT_EQ(FromJson(boost::json::value(kMaxUnits)), kMaxUnits * 100);
  EXPECT_EQ(FromJson(boost::json::value(-kMaxUnits)), -kMaxUnits * 100);
  EXPECT_FALSE(FromJson(boost::json::value(kMaxUnits + 1)));
  EXPECT_FALSE(FromJson(boost::json::value(-kMaxUnits - 1)));
  EXPECT_EQ(FromJson(ToJson(kMaxCents)), kMaxCents);
  EXPECT_FALSE(FromJson(ToJson(kMaxCents + 1)));
}

// The canonical text of an amount without trailing zeros: what json::Serialize must print.
std::string Expected(std::int64_t cents) {
  std::string text = ToDecimal(cents);
  while (text.back() == '0') {
    text.pop_back();
  }
  if (text.back() == '.') {
    text.pop_back();
  }
  return text;
}

TEST(ToJson, IsAnIntegerWhenWhole) {
  EXPECT_TRUE(ToJson(5000).is_int64());
  EXPECT_EQ(json::Serialize(ToJson(5000)), "50");
  EXPECT_EQ(json::Serialize(ToJson(0)), "0");
  EXPECT_EQ(json::Serialize(ToJson(-300)), "-3");
}

TEST(ToJson, PrintsExactlyForEveryAmountUpToAThousand) {
  for (std::int64_t cents = -100'000; cents <= 100'000; ++cents) {
    ASSERT_EQ(json::Serialize(ToJson(cents)), Expected(cents)) << cents;
  }
}

TEST(ToJson, PrintsExactlyForLargeAmounts) {
  static_assert(kMaxCents >= 1'000'000'000'000'000);  // orders refuses event amounts above 10^15 cents
  std::mt19937_64 random(42);                         // fixed seed: the same amounts every run
  std::uniform_int_distribution<std::int64_t> amounts(1, kMaxCents);  // beyond prices: totals
  for (int i = 0; i < 200'000; ++i) {
    const std::int64_t cents = i < 100 ? kMaxCents - i : amounts(random);
    ASSERT_EQ(json::Serialize(ToJson(cents)), Expected(cents)) << cents;
    ASSERT_EQ(FromJson(ToJson(cents)), cents) << cents;
  }
}

TEST(ToJson, LosesCentsBeyondTheLimit) {
  // Why the limit exists: here neighbouring amounts share one double.
  EXPECT_NE(json::Serialize(ToJson(7'438'947'802'221'741)), "74389478022217.41");
}

}  // namespace
}  // namespace bookstore::money
