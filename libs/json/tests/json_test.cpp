#include "bookstore/json/json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <limits>

namespace bookstore::json {
namespace {

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
  EXPECT_EQ(boost::json::parse(text).at("price").as_double(), 2.2);
}

TEST(TopLevelNumberTexts, KeysWithEscapesAreDecoded) {
  EXPECT_EQ(TopLevelNumberTexts(R"({"pri\u0063e": 4.5})").at("price"), "4.5");
}

TEST(TopLevelNumberTexts, InvalidJsonGivesNothing) {
  EXPECT_TRUE(TopLevelNumberTexts(R"({"price": 1.5)").empty());
  EXPECT_TRUE(TopLevelNumberTexts("").empty());
  // Found by fuzz/json.cpp: a complete object followed by more text is no JSON either.
  EXPECT_TRUE(TopLevelNumberTexts(R"({"price": 1.5} trailing)").empty());
  EXPECT_TRUE(TopLevelNumberTexts(R"({"price": 1.5}{"price": 2})").empty());
  EXPECT_EQ(TopLevelNumberTexts("{\"price\": 1.5} \n").at("price"), "1.5");
}

TEST(Serialize, MatchesBoostJsonExceptForDoubles) {
  const boost::json::value value =
      boost::json::parse(R"({"s":"caf\u00e9 \"q\"\n\u0001","i":-3,"u":18446744073709551615,)"
                         R"("b":true,"f":false,"n":null,"a":[1,{"x":[]}],"o":{},"k\"ey":"",)"
                         R"("min":-9223372036854775808,"max":9223372036854775807})");
  EXPECT_EQ(Serialize(value), boost::json::serialize(value));
}

TEST(AppendString, EscapesEveryByteAsBoostJsonDoes) {
  for (int byte = 0; byte < 256; ++byte) {
    const std::string text = std::string("a") + static_cast<char>(byte) + "b";
    std::string out = "x";
    AppendString(text, out);
    EXPECT_EQ(out, "x" + boost::json::serialize(boost::json::string_view(text))) << "byte " << byte;
  }
  const std::string mixed = "caf\xC3\xA9 \"q\"\n\x01\\ end\x7F";
  std::string out;
  AppendString(mixed, out);
  EXPECT_EQ(out, boost::json::serialize(boost::json::string_view(mixed)));
  out.clear();
  AppendString("", out);
  EXPECT_EQ(out, "\"\"");
}

TEST(Serialize, PrintsDoublesInShortestFixedNotation) {
  EXPECT_EQ(Serialize(boost::json::value(12.5)), "12.5");
  EXPECT_EQ(Serialize(boost::json::value(1000000.0)), "1000000");
  EXPECT_EQ(Serialize(boost::json::value(0.1)), "0.1");
  EXPECT_EQ(Serialize(boost::json::value(-0.05)), "-0.05");
  EXPECT_EQ(Serialize(boost::json::array{19.99, 0.01}), "[19.99,0.01]");
  EXPECT_EQ(Serialize(boost::json::value{{"a", 1}, {"c", 12.5}}), R"({"a":1,"c":12.5})");
  // Extremes are long but still read back as the same double.
  for (const double extreme : {std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min(),
                               -std::numeric_limits<double>::max()}) {
    const std::string text = Serialize(boost::json::value(extreme));
    double read = 0;
    std::from_chars(text.data(), text.data() + text.size(), read);
    EXPECT_EQ(read, extreme) << text;
    EXPECT_EQ(text.find_first_of("eE"), std::string::npos) << text;
  }
}

TEST(Serialize, WritesNullForWhatJsonCannotExpress) {
  EXPECT_EQ(Serialize(boost::json::value(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(Serialize(boost::json::value(-std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(Serialize(boost::json::array{std::numeric_limits<double>::quiet_NaN()}), "[null]");
}

}  // namespace
}  // namespace bookstore::json
