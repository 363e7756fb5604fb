#include "bookstore/auth/base64url.h"

#include <gtest/gtest.h>

#include <array>

namespace bookstore::auth {
namespace {

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(std::string_view("")), "");
  EXPECT_EQ(Base64UrlEncode(std::string_view("f")), "Zg");
  EXPECT_EQ(Base64UrlEncode(std::string_view("fo")), "Zm8");
  EXPECT_EQ(Base64UrlEncode(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(Base64UrlEncode(std::string_view("foob")), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode(std::string_view("foobar")), "Zm9vYmFy");
}

TEST(Base64UrlTest, UsesTheUrlSafeAlphabet) {
  const std::array<unsigned char, 2> bytes{0xfb, 0xff};
  EXPECT_EQ(Base64UrlEncode(bytes), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64UrlTest, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 70; ++i) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)), bytes) << "length " << i;
    bytes.push_back(static_cast<char>(i * 37));
  }
}

TEST(Base64UrlTest, DecodingIsStrict) {
  EXPECT_EQ(Base64UrlDecode("Zg=="), std::nullopt) << "padding";
  EXPECT_EQ(Base64UrlDecode("Zm9v YmFy"), std::nullopt) << "space";
  EXPECT_EQ(Base64UrlDecode("Zm9v\nYmFy"), std::nullopt) << "newline";
  EXPECT_EQ(Base64UrlDecode("+/8"), std::nullopt) << "standard alphabet";
  EXPECT_EQ(Base64UrlDecode("Z"), std::nullopt) << "4n+1 characters";
  EXPECT_EQ(Base64UrlDecode("Zh"), std::nullopt) << "non-zero unused bits: a second spelling of \"f\"";
  EXPECT_EQ(Base64UrlDecode(std::string_view("Zg\0", 3)), std::nullopt) << "NUL";
  EXPECT_EQ(Base64UrlDecode("Zm9\xc3\xa9"), std::nullopt) << "non-ASCII";
}

TEST(Base64UrlTest, DecodeExactDemandsTheLength) {
  std::array<unsigned char, 3> out{};
  EXPECT_TRUE(Base64UrlDecodeExact("Zm9v", out));
  EXPECT_EQ(out[0], 'f');
  EXPECT_FALSE(Base64UrlDecodeExact("Zm8", out)) << "too short";
  EXPECT_FALSE(Base64UrlDecodeExact("Zm9vYg", out)) << "too long";
  EXPECT_FALSE(Base64UrlDecodeExact("Zm9=", out));
}

}  // namespace
}  // namespace bookstore::auth
