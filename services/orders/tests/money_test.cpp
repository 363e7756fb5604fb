#include "domain/money.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "domain/json_text.h"

namespace bookstore::orders {
namespace {

namespace json = boost::json;

TEST(MoneyTest, CentsToDecimal) {
  EXPECT_EQ(CentsToDecimal(0), "0.00");
  EXPECT_EQ(CentsToDecimal(5), "0.05");
  EXPECT_EQ(CentsToDecimal(1250), "12.50");
  EXPECT_EQ(CentsToDecimal(-5), "-0.05");
  EXPECT_EQ(CentsToDecimal(500000000000), "5000000000.00");
}

TEST(MoneyTest, DecimalToCents) {
  EXPECT_EQ(DecimalToCents("12.50"), 1250);
  EXPECT_EQ(DecimalToCents("7"), 700);
  EXPECT_EQ(DecimalToCents("-3.1"), -310);
  EXPECT_EQ(DecimalToCents("0.01"), 1);
  EXPECT_THROW(DecimalToCents("1.234"), std::invalid_argument);
  EXPECT_THROW(DecimalToCents(""), std::invalid_argument);
  EXPECT_THROW(DecimalToCents("1."), std::invalid_argument);
  EXPECT_THROW(DecimalToCents("abc"), std::invalid_argument);
  EXPECT_THROW(DecimalToCents("1.a"), std::invalid_argument);
}

TEST(MoneyTest, JsonToCentsIsExactForEveryCentValue) {
  for (std::int64_t cents = 0; cents < 200000; cents += 7) {
    const json::value parsed = json::parse(CentsToDecimal(cents));
    EXPECT_EQ(JsonToCents(parsed), cents) << CentsToDecimal(cents);
  }
  EXPECT_EQ(JsonToCents(json::parse("999999.99")), 99999999);
  EXPECT_EQ(JsonToCents(json::parse("12")), 1200);
  EXPECT_EQ(JsonToCents(json::parse("1250e-2")), 1250);
}

TEST(MoneyTest, JsonToCentsRefusesWhatIsNotAnAmount) {
  EXPECT_FALSE(JsonToCents(json::parse("12.345")).has_value());
  EXPECT_FALSE(JsonToCents(json::parse("-1")).has_value());
  EXPECT_FALSE(JsonToCents(json::parse("-0.5")).has_value());
  EXPECT_FALSE(JsonToCents(json::parse("\"12.50\"")).has_value());
  EXPECT_FALSE(JsonToCents(json::parse("null")).has_value());
  EXPECT_FALSE(JsonToCents(json::parse("1e300")).has_value());
  EXPECT_FALSE(JsonToCents(json::parse("18446744073709551615")).has_value());
}

TEST(MoneyTest, AmountsPrintAsTheirDecimalText) {
  EXPECT_EQ(SerializeJson(CentsToJson(1250)), "12.5");
  EXPECT_EQ(SerializeJson(CentsToJson(5000)), "50");
  EXPECT_EQ(SerializeJson(CentsToJson(1)), "0.01");
  EXPECT_EQ(SerializeJson(CentsToJson(1999)), "19.99");
  for (std::int64_t cents = 0; cents < 200000; cents += 13) {
    const std::string text = SerializeJson(CentsToJson(cents));
    EXPECT_EQ(JsonToCents(json::parse(text)), cents) << text;
    EXPECT_EQ(text.find('E'), std::string::npos) << text;
    EXPECT_EQ(text.find('e'), std::string::npos) << text;
  }
}

TEST(JsonTextTest, SerializesLikeBoostJsonButWithFixedDoubles) {
  const json::value value{
      {"a", 1}, {"b", json::array{true, nullptr, "x\"y"}}, {"c", 12.5}, {"d", json::object{}}};
  EXPECT_EQ(SerializeJson(value), R"({"a":1,"b":[true,null,"x\"y"],"c":12.5,"d":{}})");
  EXPECT_EQ(SerializeJson(json::value(std::numeric_limits<double>::infinity())), "null");
}

}  // namespace
}  // namespace bookstore::orders
