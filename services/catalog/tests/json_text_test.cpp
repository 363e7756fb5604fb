#include "domain/json_text.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

namespace bookstore::catalog {
namespace {

namespace json = boost::json;

TEST(TopLevelNumberTexts, KeepsTheNumbersAsWritten) {
  const auto numbers = TopLevelNumberTexts(R"({"price": 12.50, "stock": 3, "big": 1E400, "neg": -0.0})");
  EXPECT_EQ(numbers.at("price"), "12.50");
  EXPECT_EQ(numbers.at("stock"), "3");
  EXPECT_EQ(numbers.at("big"), "1E400");
  EXPECT_EQ(numbers.at("neg"), "-0.0");
}

TEST(TopLevelNumberTexts, IgnoresNestedMembersAndOtherTypes) {
  const auto numbers =
      TopLevelNumberTexts(R"({"a": {"price": 1.25}, "b": [2.5, {"price": 3}], "price": "9.99", "c": true})");
  EXPECT_TRUE(numbers.empty());
}

TEST(TopLevelNumberTexts, LastDuplicateWinsLikeBoostJson) {
  const std::string text = R"({"price": 1.10, "price": 2.20})";
  EXPECT_EQ(TopLevelNumberTexts(text).at("price"), "2.20");
  EXPECT_EQ(json::parse(text).at("price").as_double(), 2.2);
}

TEST(TopLevelNumberTexts, KeysWithEscapesAreDecoded) {
  EXPECT_EQ(TopLevelNumberTexts(R"({"pri\u0063e": 4.5})").at("price"), "4.5");
}

TEST(TopLevelNumberTexts, InvalidJsonGivesNothing) {
  EXPECT_TRUE(TopLevelNumberTexts(R"({"price": 1.5)").empty());
  EXPECT_TRUE(TopLevelNumberTexts("").empty());
}

TEST(SerializeJson, MatchesBoostJsonExceptForDoubles) {
  const json::value value = json::parse(R"({"s":"caf\u00e9 \"q\"\n","i":-3,"u":18446744073709551615,)"
                                        R"("b":true,"n":null,"a":[1,{"x":[]}],"o":{}})");
  EXPECT_EQ(SerializeJson(value), json::serialize(value));
}

TEST(SerializeJson, PrintsDoublesWithoutExponent) {
  EXPECT_EQ(SerializeJson(json::value(12.5)), "12.5");
  EXPECT_EQ(SerializeJson(json::value(1000000.0)), "1000000");
  EXPECT_EQ(SerializeJson(json::value(0.1)), "0.1");
  EXPECT_EQ(SerializeJson(json::array{19.99, 0.01}), "[19.99,0.01]");
  EXPECT_EQ(SerializeJson(json::value(std::numeric_limits<double>::infinity())), "null");
}

}  // namespace
}  // namespace bookstore::catalog
