#include "bookstore/auth/base64url.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "bookstore/auth/sodium.h"

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
  EXPECT_EQ(Base64UrlDecode("0_q4S\xd5"
                            "6bGxoa"),
            std::nullopt)
      << "non-ASCII that libsodium 1.0.18 takes";
}

TEST(Base64UrlTest, DecodeExactDemandsTheLength) {
  std::array<unsigned char, 3> out{};
  EXPECT_TRUE(Base64UrlDecodeExact("Zm9v", out));
  EXPECT_EQ(out[0], 'f');
  EXPECT_FALSE(Base64UrlDecodeExact("Zm8", out)) << "too short";
  EXPECT_FALSE(Base64UrlDecodeExact("Zm9vYg", out)) << "too long";
  EXPECT_FALSE(Base64UrlDecodeExact("Zm9=", out));
}

// The coder is table-driven (base64url.cpp says why); libsodium's, which it replaced, is the reference:
// the same text for every byte string, and the same verdict and bytes for any text.
std::optional<std::string> SodiumDecode(std::string_view text) {
  std::string out(text.size() + 1, '\0');
  std::size_t decoded = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &decoded, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(decoded);
  return out;
}

std::string SodiumEncode(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

TEST(Base64UrlTest, AgreesWithLibsodiumOnRandomBytesAndRandomText) {
  std::mt19937 random(20261204);
  std::uniform_int_distribution<int> byte(0, 255);
  // Text mostly from the alphabet, so that many decode; the rest any ASCII, padding and NUL included.
  // (libsodium 1.0.18 takes some bytes above 0x7f for letters; this coder refuses every one: see
  // DecodingIsStrict.)
  std::uniform_int_distribution<int> ascii(0, 127);
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::uniform_int_distribution<std::size_t> letter(0, alphabet.size() - 1);
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(static_cast<std::size_t>(round % 70), '\0');
    for (char& c : bytes) c = static_cast<char>(byte(random));
    const std::string encoded = Base64UrlEncode(bytes);
    ASSERT_EQ(encoded, SodiumEncode(bytes));
    ASSERT_EQ(Base64UrlDecode(encoded), bytes);

    std::string text(static_cast<std::size_t>(round % 13), '\0');
    for (char& c : text) c = byte(random) < 16 ? static_cast<char>(ascii(random)) : alphabet[letter(random)];
    ASSERT_EQ(Base64UrlDecode(text), SodiumDecode(text)) << "text " << ::testing::PrintToString(text);
  }
}

TEST(RandomTokenTest, IsBase64UrlOfTheGivenLengthAndNeverRepeats) {
  const std::string token = RandomToken();
  EXPECT_EQ(token.size(), 43U);
  EXPECT_EQ(Base64UrlDecode(token)->size(), 32U);
  EXPECT_EQ(RandomToken(16).size(), 22U);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(RandomToken()).second);
}

}  // namespace
}  // namespace bookstore::auth
