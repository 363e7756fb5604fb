#include "bookstore/auth/keys.h"

#include <gtest/gtest.h>

#include "bookstore/auth/base64url.h"

namespace bookstore::auth {
namespace {

// RFC 8037 Appendix A: the Ed25519 key of RFC 8032 test 1 as a JWK, and a JWS it signed.
constexpr std::string_view kRfcSeed = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
constexpr std::string_view kRfcX = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
constexpr std::string_view kRfcSigningInput = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
constexpr std::string_view kRfcSignature =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

std::string ParseError(std::string_view text) {
  try {
    SigningKeys::Parse(text);
  } catch (const KeyFileError& e) {
    return e.what();
  }
  return "no error";
}

TEST(KeysTest, DerivesTheRfc8037KeyAndSignature) {
  const auto keys = SigningKeys::Parse("rfc " + std::string(kRfcSeed));
  // Kept: PublicKeys() is a copy, and Find points into it (ASan saw the read once base64url was ours,
  // not libsodium's uninstrumented code).
  const PublicKeySet public_keys = keys.PublicKeys();
  const PublicKey* key = public_keys.Find("rfc");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(Base64UrlEncode(*key), kRfcX);
  EXPECT_EQ(Base64UrlEncode(keys.SignWithActiveKey(kRfcSigningInput)), kRfcSignature);
}

TEST(KeysTest, LastLineIsActiveAndEarlierOnesStillVerify) {
  const std::string text = "# keys of BookStore\n\n" + GenerateKeyLine("2024-01") + "\r\n   \n# rotated\n" +
                           GenerateKeyLine("2024-02") + "\n";
  const auto keys = SigningKeys::Parse(text);
  EXPECT_EQ(keys.ActiveKid(), "2024-02");
  EXPECT_EQ(keys.Kids(), (std::vector<std::string>{"2024-01", "2024-02"}));
  EXPECT_EQ(keys.PublicKeys().Size(), 2U);
}

TEST(KeysTest, ToleratesBlanksAroundFields) {
  const auto line = GenerateKeyLine("k1");
  const auto space = line.find(' ');
  const auto keys = SigningKeys::Parse("  k1 \t " + line.substr(space + 1) + "  \t");
  EXPECT_EQ(keys.ActiveKid(), "k1");
}

TEST(KeysTest, GeneratedLinesAreFreshAndWellFormed) {
  const auto a = GenerateKeyLine("k1");
  const auto b = GenerateKeyLine("k1");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 3U + 43U);
  EXPECT_THROW(GenerateKeyLine("bad kid"), std::invalid_argument);
}

TEST(KeysTest, ReportsEachProblemWithItsLineAndNeverTheSeed) {
  const std::string good = GenerateKeyLine("k1");
  const std::string seed = good.substr(3);
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"", "JWT_KEYS: no keys"},
      {"# only a comment\n\n", "JWT_KEYS: no keys"},
      {seed, "JWT_KEYS line 1: expected `<kid> <base64url 32-byte Ed25519 seed>`, found 1 field(s)"},
      {"# c\nk1 " + seed + " extra", "JWT_KEYS line 2: expected"},
      {"k/1 " + seed, "JWT_KEYS line 1: invalid kid"},
      {std::string(65, 'k') + " " + seed, "JWT_KEYS line 1: invalid kid"},
      {"k1 " + seed + "\nk1 " + seed, "JWT_KEYS line 2: duplicate kid k1"},
      {"k1 " + seed.substr(0, 22),
       "JWT_KEYS line 1: the key of kid k1 is not the base64url encoding of 32 bytes"},
      {"k1 " + seed + "AAAA", "JWT_KEYS line 1: the key of kid k1 is not the base64url"},
      {"k1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/8=",
       "JWT_KEYS line 1: the key of kid k1 is standard base64"},
  };
  for (const auto& c : cases) {
    const std::string message = ParseError(c.text);
    EXPECT_EQ(message.rfind(c.expected, 0), 0U) << "input: " << c.text << "\nmessage: " << message;
    EXPECT_EQ(message.find(seed), std::string::npos) << message;
  }
}

TEST(KeysTest, KeyFileErrorCarriesTheLine) {
  try {
    SigningKeys::Parse("\n\nnot-a-key-line");
    FAIL() << "no error";
  } catch (const KeyFileError& e) {
    EXPECT_EQ(e.Line(), 3U);
  }
}

TEST(KeysTest, KidRules) {
  EXPECT_TRUE(IsValidKid("2024-06_a.b"));
  EXPECT_FALSE(IsValidKid(""));
  EXPECT_FALSE(IsValidKid("a b"));
  EXPECT_FALSE(IsValidKid("a\"b"));
  EXPECT_FALSE(IsValidKid(std::string(65, 'a')));
  EXPECT_TRUE(IsValidKid(std::string(64, 'a')));
}

TEST(KeysTest, PublicKeySetRefusesDuplicateAndInvalidKids) {
  PublicKeySet set;
  set.Add("a", PublicKey{});
  EXPECT_THROW(set.Add("a", PublicKey{}), std::invalid_argument);
  EXPECT_THROW(set.Add("a b", PublicKey{}), std::invalid_argument);
  EXPECT_NE(set.Find("a"), nullptr);
  EXPECT_EQ(set.Find("b"), nullptr);
}

TEST(KeysTest, MovedKeysStillSign) {
  auto keys = SigningKeys::Parse(GenerateKeyLine("k1"));
  const auto before = keys.PublicKeys();
  SigningKeys moved = std::move(keys);
  EXPECT_EQ(moved.PublicKeys(), before);
  EXPECT_EQ(moved.ActiveKid(), "k1");
}

}  // namespace
}  // namespace bookstore::auth
