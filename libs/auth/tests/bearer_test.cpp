#include "bookstore/auth/bearer.h"

#include <gtest/gtest.h>

namespace bookstore::auth {
namespace {

TEST(BearerTest, ExtractsTheToken) {
  EXPECT_EQ(ExtractBearerToken("Bearer abc.def-_~+/ghi"), "abc.def-_~+/ghi");
  EXPECT_EQ(ExtractBearerToken("Bearer abc=="), "abc==");
}

TEST(BearerTest, SchemeIsCaseInsensitive) {
  EXPECT_EQ(ExtractBearerToken("bearer abc"), "abc");
  EXPECT_EQ(ExtractBearerToken("BEARER abc"), "abc");
  EXPECT_EQ(ExtractBearerToken("bEaReR abc"), "abc");
}

TEST(BearerTest, ToleratesSurroundingAndRepeatedBlanks) {
  EXPECT_EQ(ExtractBearerToken("  Bearer   abc  "), "abc");
  EXPECT_EQ(ExtractBearerToken("Bearer\tabc"), "abc");
}

TEST(BearerTest, RefusesAnythingElse) {
  for (const char* value : {"", "   ", "Bearer", "Bearer ", "Bearer    ", "Bearerabc", "Basic dXNlcjpwYXNz",
                            "Token abc", "Bearer abc def", "Bearer abc,Bearer def", "Bearer a=b", "Bearer ==",
                            "Bearer abc\x01", "Bearer \xc3\xa9t\xc3\xa9", "Bearer abc\r\nX-Evil: 1",
                            "Bearer \"abc\"", "Bearer: abc", "Bear abc", "Bearers abc"}) {
    EXPECT_EQ(ExtractBearerToken(value), std::nullopt) << "'" << value << "'";
  }
}

}  // namespace
}  // namespace bookstore::auth
