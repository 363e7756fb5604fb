#include "bookstore/log/log.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace bookstore::log {
namespace {

TEST(LogTest, LineIsOneJsonObjectWithTheStandardFields) {
  const auto line =
      FormatLine(Level::kWarn, "auth", "login \"failed\"\nagain", {{"request_id", "abc"}, {"status", 401}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto v = boost::json::parse(line).as_object();
  EXPECT_EQ(v.at("level").as_string(), "warn");
  EXPECT_EQ(v.at("component").as_string(), "auth");
  EXPECT_EQ(v.at("msg").as_string(), "login \"failed\"\nagain");
  EXPECT_EQ(v.at("request_id").as_string(), "abc");
  EXPECT_EQ(v.at("status").as_int64(), 401);
  const auto time = std::string(v.at("time").as_string());
  EXPECT_EQ(time.size(), 24U);
  EXPECT_EQ(time.back(), 'Z');
}

TEST(LogTest, FractionsPrintAsPlainDecimals) {
  const auto line = FormatLine(Level::kInfo, "gateway", "request", {{"duration_ms", 38.093}});
  EXPECT_NE(line.find("\"duration_ms\":38.093"), std::string::npos) << line;
}

TEST(LogTest, LevelFilters) {
  ASSERT_TRUE(SetLevel("error"));
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
  EXPECT_FALSE(SetLevel("loud"));
  ASSERT_TRUE(SetLevel("debug"));
  EXPECT_TRUE(Enabled(Level::kDebug));
  SetLevel("info");
}

}  // namespace
}  // namespace bookstore::log
