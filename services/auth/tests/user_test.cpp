#include "domain/user.h"

#include <gtest/gtest.h>

namespace bookstore::auth_service {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

TEST(Times, FormatRfc3339AndDbTime) {
  auto time = sys_days{std::chrono::year{2026} / 11 / 27} + 17h + 5min + 9s;
  EXPECT_EQ(FormatRfc3339(time), "2026-11-27T17:05:09Z");
  EXPECT_EQ(FormatDbTime(time), "2026-11-27 17:05:09");
  EXPECT_EQ(ParseDbTime("2026-11-27 17:05:09"), time);
}

TEST(Times, ParseDbTimeRefusesOtherText) {
  EXPECT_FALSE(ParseDbTime("2026-11-27T17:05:09Z"));
  EXPECT_FALSE(ParseDbTime("2026-02-30 00:00:00"));
  EXPECT_FALSE(ParseDbTime("2026-11-27 24:00:00"));
  EXPECT_FALSE(ParseDbTime("2026-11-27 17:05:09.5"));
  EXPECT_FALSE(ParseDbTime(""));
}

TEST(UserJson, HasExactlyThePublicFields) {
  User user{7,
            "Ada",
            "Ada@Example.com",
            auth::Role::kAdmin,
            "$argon2id$secret",
            sys_days{std::chrono::year{2025} / 1 / 2}};
  auto json = UserJson(user);
  EXPECT_EQ(json.size(), 5U);
  EXPECT_EQ(json.at("id").as_int64(), 7);
  EXPECT_EQ(json.at("name").as_string(), "Ada");
  EXPECT_EQ(json.at("email").as_string(), "Ada@Example.com");
  EXPECT_EQ(json.at("role").as_string(), "admin");
  EXPECT_EQ(json.at("created_at").as_string(), "2025-01-02T00:00:00Z");
  EXPECT_FALSE(json.contains("password_hash"));
}

TEST(DecideBootstrap, CreatesPromotesOrKeeps) {
  EXPECT_EQ(DecideBootstrap(std::nullopt), BootstrapAction::kCreate);
  EXPECT_EQ(DecideBootstrap(auth::Role::kUser), BootstrapAction::kPromote);
  EXPECT_EQ(DecideBootstrap(auth::Role::kAdmin), BootstrapAction::kKeep);
}

}  // namespace
}  // namespace bookstore::auth_service
