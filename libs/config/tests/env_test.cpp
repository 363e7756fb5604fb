#include "bookstore/config/env.h"

#include <gtest/gtest.h>

#include <array>
#include <map>

namespace bookstore::config {
namespace {

Source FakeSource(const std::map<std::string, std::string>& env,
                  const std::map<std::string, std::string>& files = {}) {
  return Source{[env](const std::string& n) -> std::optional<std::string> {
                  auto it = env.find(n);
                  if (it == env.end()) return std::nullopt;
                  return it->second;
                },
                [files](const std::string& p) -> std::optional<std::string> {
                  auto it = files.find(p);
                  if (it == files.end()) return std::nullopt;
                  return it->second;
                }};
}

const std::array<const char*, 1> kArgv{"prog"};

TEST(EnvTest, DefaultsApplyWhenUnset) {
  Env env("t", 1, kArgv.data(), FakeSource({}));
  EXPECT_EQ(env.String("A", "x", "h"), "x");
  EXPECT_EQ(env.Int("B", 5, 1, 10, "h"), 5);
  EXPECT_TRUE(env.Bool("C", true, "h"));
  EXPECT_EQ(env.Duration("D", std::chrono::seconds(3), "h"), std::chrono::milliseconds(3000));
  EXPECT_TRUE(env.Errors().empty());
}

TEST(EnvTest, ParsesTypedValues) {
  Env env("t", 1, kArgv.data(), FakeSource({{"B", "7"}, {"C", "off"}, {"D", "15m"}, {"L", " a, b ,,c "}}));
  EXPECT_EQ(env.Int("B", 5, 1, 10, "h"), 7);
  EXPECT_FALSE(env.Bool("C", true, "h"));
  EXPECT_EQ(env.Duration("D", std::chrono::seconds(3), "h"), std::chrono::minutes(15));
  EXPECT_EQ(env.List("L", "", "h"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(env.Errors().empty());
}

TEST(EnvTest, InvalidValuesAreReportedByName) {
  Env env("t", 1, kArgv.data(), FakeSource({{"B", "11"}, {"C", "maybe"}, {"D", "3 weeks"}, {"E", "x1"}}));
  env.Int("B", 5, 1, 10, "h");
  env.Bool("C", true, "h");
  env.Duration("D", std::chrono::seconds(3), "h");
  env.Int("E", 1, 0, 5, "h");
  env.RequiredString("F", "h");
  ASSERT_EQ(env.Errors().size(), 5U);
  EXPECT_EQ(env.Errors()[0].rfind("B:", 0), 0U);
  EXPECT_EQ(env.Errors()[1].rfind("C:", 0), 0U);
  EXPECT_EQ(env.Errors()[2].rfind("D:", 0), 0U);
  EXPECT_EQ(env.Errors()[3].rfind("E:", 0), 0U);
  EXPECT_EQ(env.Errors()[4].rfind("F:", 0), 0U);
}

TEST(EnvTest, FileVariantReadsTheFileAndDropsTrailingNewline) {
  Env env("t", 1, kArgv.data(),
          FakeSource({{"DB_PASSWORD_FILE", "/run/secrets/db"}}, {{"/run/secrets/db", "s3cret\n"}}));
  EXPECT_EQ(env.RequiredSecret("DB_PASSWORD", "h"), "s3cret");
  EXPECT_TRUE(env.Errors().empty());
  EXPECT_EQ(env.Settings().back().effective, "******");
}

TEST(EnvTest, BothDirectAndFileIsAnError) {
  Env env("t", 1, kArgv.data(), FakeSource({{"K", "a"}, {"K_FILE", "/x"}}, {{"/x", "b"}}));
  env.String("K", "", "h");
  ASSERT_EQ(env.Errors().size(), 1U);
}

TEST(EnvTest, UnreadableFileIsAnError) {
  Env env("t", 1, kArgv.data(), FakeSource({{"K_FILE", "/missing"}}));
  env.String("K", "d", "h");
  ASSERT_EQ(env.Errors().size(), 1U);
  EXPECT_NE(env.Errors()[0].find("/missing"), std::string::npos);
}

TEST(EnvTest, HelpListsEverySetting) {
  const std::array<const char*, 2> argv{"prog", "--help"};
  Env env("auth", 2, argv.data(), FakeSource({}));
  env.String("HTTP_HOST", "0.0.0.0", "address to listen on");
  env.RequiredSecret("DB_PASSWORD", "database password");
  EXPECT_TRUE(env.HelpRequested());
  const auto help = env.HelpText();
  EXPECT_NE(help.find("HTTP_HOST"), std::string::npos);
  EXPECT_NE(help.find("DB_PASSWORD"), std::string::npos);
  EXPECT_NE(help.find("required"), std::string::npos);
}

TEST(EnvTest, UnknownArgumentIsAnError) {
  const std::array<const char*, 2> argv{"prog", "--port=1"};
  Env env("t", 2, argv.data(), FakeSource({}));
  EXPECT_EQ(env.Errors().size(), 1U);
}

TEST(ParseDurationTest, Units) {
  EXPECT_EQ(ParseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(ParseDuration("250"), std::chrono::milliseconds(250));
  EXPECT_EQ(ParseDuration("2h"), std::chrono::hours(2));
  EXPECT_FALSE(ParseDuration("h").has_value());
  EXPECT_FALSE(ParseDuration("5y").has_value());
  EXPECT_FALSE(ParseDuration("").has_value());
}

}  // namespace
}  // namespace bookstore::config
