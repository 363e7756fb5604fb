#include "bookstore/text/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace bookstore::text {
namespace {

TEST(Utf8Test, AcceptsWellFormedTextOfEveryLength) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Dune"));
  EXPECT_TRUE(IsValidUtf8("Фёдор Достоевский — 罪と罰 𝔇"));
  EXPECT_EQ(CountCodePoints("Фёдор 罪 𝔇"), 9U);
  char32_t code_point = 0;
  EXPECT_EQ(DecodeUtf8("𝔇", 0, code_point), 4U);
  EXPECT_EQ(code_point, U'𝔇');
}

TEST(Utf8Test, RefusesOverlongsSurrogatesOutOfRangeAndTruncatedSequences) {
  for (const std::string& bad :
       {std::string("\xC0\xAF"), std::string("\xE0\x80\xAF"), std::string("\xED\xA0\x80"),
        std::string("\xF4\x90\x80\x80"), std::string("\xF8\x88\x80\x80\x80"), std::string("\x80"),
        std::string("\xFF"), std::string("caf\xC3"), std::string("\xE2\x82")}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
    EXPECT_EQ(CountCodePoints(bad), std::nullopt) << bad;
  }
}

TEST(Utf8Test, CountsAndClampsWholeCharacters) {
  EXPECT_EQ(CountCharacters("añ€𝔇"), 4U);
  EXPECT_EQ(ClampCharacters("añ€𝔇x", 3), "añ€");
  EXPECT_EQ(ClampCharacters("añ€", 3), "añ€");
  EXPECT_EQ(ClampCharacters("añ€", 0), "");
}

TEST(Utf8Test, FindsC0DelAndC1ControlCharacters) {
  EXPECT_FALSE(HasControlCharacter("plain é text"));
  EXPECT_TRUE(HasControlCharacter("tab\there"));
  EXPECT_TRUE(HasControlCharacter("del\x7F"));
  EXPECT_TRUE(HasControlCharacter("next line \xC2\x85"));  // U+0085
  EXPECT_FALSE(HasControlCharacter("\xC2\xA0"));           // U+00A0 no-break space is not a control
  EXPECT_TRUE(IsControl(U'\0'));
  EXPECT_FALSE(IsControl(U' '));
}

TEST(Utf8Test, TrimsAsciiWhitespaceOnly) {
  EXPECT_EQ(TrimAsciiWhitespace(" \t\r\n\f\vDune\v "), "Dune");
  EXPECT_EQ(TrimAsciiWhitespace("\xC2\xA0"
                                "Dune"),
            "\xC2\xA0"
            "Dune");
  EXPECT_EQ(TrimAsciiWhitespace(" \t "), "");
}

TEST(Utf8Test, TrimsOnlyTheNamedCharacters) {
  EXPECT_EQ(Trim(" \tmax-age=60\t ", kHttpWhitespace), "max-age=60");
  EXPECT_EQ(Trim("\r\nmax-age=60\r\n", kHttpWhitespace), "\r\nmax-age=60\r\n");
  EXPECT_EQ(Trim("  a b  ", " "), "a b");
  EXPECT_EQ(Trim("   ", " "), "");
  EXPECT_EQ(Trim("", " "), "");
}

}  // namespace
}  // namespace bookstore::text
