#include "bookstore/auth/email.h"

#include <gtest/gtest.h>

#include <string>

namespace bookstore::auth {
namespace {

std::string KeyOf(std::string_view typed) {
  auto parsed = ParseEmailKey(typed);
  if (auto* problem = std::get_if<EmailProblem>(&parsed)) return "problem: " + problem->message;
  return std::get<EmailKey>(parsed).key;
}

TEST(ParseEmailKey, TrimsSpacesAndLowercasesAsciiOnly) {
  auto parsed = ParseEmailKey("  Alice.Smith@Example.COM ");
  ASSERT_TRUE(std::holds_alternative<EmailKey>(parsed));
  EXPECT_EQ(std::get<EmailKey>(parsed).as_typed, "Alice.Smith@Example.COM");
  EXPECT_EQ(std::get<EmailKey>(parsed).key, "alice.smith@example.com");
  EXPECT_EQ(KeyOf("\xC3\x89lise@example.com"), "\xC3\x89lise@example.com");  // É is not folded
}

// Each of these once reached auth under a key of its own while auth looked up the same account.
TEST(ParseEmailKey, ControlCharactersAnywhereAreAProblemNotAnotherKey) {
  for (std::string typed : {"victim@example.com\n", "\fvictim@example.com", "\vvictim@example.com",
                            "\rvictim@example.com", "\tvictim@example.com", "victim@example.com\t",
                            "vic\ttim@example.com", "victim@example.com\x7F", "victim@example.com\xC2\x85"}) {
    EXPECT_EQ(KeyOf(typed), "problem: email must not contain control characters") << typed;
  }
  EXPECT_EQ(KeyOf(std::string("victim@example.com\0", 19)),
            "problem: email must not contain control characters");
}

TEST(ParseEmailKey, NonControlCharactersNextToC2AreFine) {
  EXPECT_EQ(KeyOf("\xC2\xA0x@example.com"), "\xC2\xA0x@example.com");  // U+00A0 is not a control
}

TEST(ParseEmailKey, LongerThan254BytesIsAProblem) {
  const std::string at_limit = std::string(242, 'a') + "@example.com";
  ASSERT_EQ(at_limit.size(), 254U);
  EXPECT_EQ(KeyOf(at_limit), at_limit);
  EXPECT_EQ(KeyOf("a" + at_limit), "problem: email must be at most 254 characters");
  EXPECT_EQ(KeyOf("   " + at_limit + "   "), at_limit);
}

}  // namespace
}  // namespace bookstore::auth
