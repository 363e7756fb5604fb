#include "bookstore/auth/jwks.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "bookstore/auth/base64url.h"

namespace bookstore::auth {
namespace {

constexpr std::string_view kX = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

std::string Entry(std::string_view members) { return R"({"keys":[)" + std::string(members) + "]}"; }

std::string OkpEntry(std::string_view kid, std::string_view extra = "") {
  return R"({"kty":"OKP","crv":"Ed25519","x":")" + std::string(kX) + R"(","kid":")" + std::string(kid) +
         "\"" + std::string(extra) + "}";
}

std::string ErrorOf(std::string_view document) {
  try {
    ParseJwks(document);
  } catch (const JwksError& e) {
    return e.what();
  }
  return "no error";
}

TEST(JwksTest, BuildsTheRfc8037Shape) {
  const auto keys = SigningKeys::Parse("rfc nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
  EXPECT_EQ(BuildJwks(keys),
            R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",)"
            R"("kid":"rfc","alg":"EdDSA","use":"sig"}]})");
}

TEST(JwksTest, RoundTripsEveryKeyOfARotation) {
  const auto keys = SigningKeys::Parse(GenerateKeyLine("old") + "\n" + GenerateKeyLine("new"));
  const auto parsed = ParseJwks(BuildJwks(keys));
  EXPECT_EQ(parsed.keys, keys.PublicKeys());
  EXPECT_TRUE(parsed.skipped.empty());
}

TEST(JwksTest, AcceptsEntriesWithoutOptionalMembers) {
  const auto parsed = ParseJwks(Entry(OkpEntry("a")));
  ASSERT_NE(parsed.keys.Find("a"), nullptr);
  EXPECT_EQ(Base64UrlEncode(*parsed.keys.Find("a")), kX);
}

TEST(JwksTest, SkipsEntriesThatAreNotEd25519SigningKeys) {
  const std::string document =
      Entry(OkpEntry("good") + "," +                                                       //
            R"({"kty":"RSA","kid":"rsa","n":"AQAB","e":"AQAB"},)" +                        //
            R"({"kty":"EC","crv":"P-256","kid":"ec","x":"AA","y":"AA"},)" +                //
            R"({"kty":"OKP","crv":"X25519","kid":"x","x":")" + std::string(kX) + "\"}," +  //
            R"({"kty":"oct","kid":"hmac","k":"c2VjcmV0"},)" +                              //
            OkpEntry("alg", R"(,"alg":"RS256")") + "," +                                   //
            OkpEntry("use", R"(,"use":"enc")") + "," +                                     //
            OkpEntry("priv", R"(,"d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")") + "," +
            R"({"kty":"OKP","crv":"Ed25519","kid":"short","x":"AAAA"},)" +  //
            R"({"kty":"OKP","crv":"Ed25519","x":")" + std::string(kX) + "\"}," + OkpEntry("bad kid") +
            ",\"not an object\"");
  const auto parsed = ParseJwks(document);
  EXPECT_EQ(parsed.keys.Size(), 1U);
  EXPECT_NE(parsed.keys.Find("good"), nullptr);
  ASSERT_EQ(parsed.skipped.size(), 11U);
  EXPECT_EQ(parsed.skipped[0], "keys[1]: not an OKP Ed25519 key");
  EXPECT_EQ(parsed.skipped[4], "keys[5]: alg is not EdDSA");
  EXPECT_EQ(parsed.skipped[5], "keys[6]: use is not sig");
  EXPECT_EQ(parsed.skipped[6], "keys[7]: holds a private key");
  EXPECT_EQ(parsed.skipped[7], "keys[8]: x is not base64url of 32 bytes");
  EXPECT_EQ(parsed.skipped[8], "keys[9]: has no valid kid");
  EXPECT_EQ(parsed.skipped[10], "keys[11]: not an object");
}

TEST(JwksTest, RefusesUnusableDocuments) {
  EXPECT_EQ(ErrorOf("not json").rfind("JWKS document is not JSON", 0), 0U);
  EXPECT_EQ(ErrorOf("[]"), "JWKS document has no \"keys\" array");
  EXPECT_EQ(ErrorOf(R"({"keys":{}})"), "JWKS document has no \"keys\" array");
  EXPECT_EQ(ErrorOf(R"({"keys":[]})"), "JWKS document has no usable Ed25519 key");
  EXPECT_EQ(ErrorOf(Entry(R"({"kty":"RSA"})")), "JWKS document has no usable Ed25519 key");
  EXPECT_EQ(ErrorOf(Entry(OkpEntry("a") + "," + OkpEntry("a"))), "JWKS document has kid a twice");
  EXPECT_EQ(ErrorOf(std::string(kMaxJwksBytes + 1, ' ')), "JWKS document is larger than 64 KiB");
  std::string many = OkpEntry("k0");
  for (std::size_t i = 1; i <= kMaxJwksKeys; ++i) {
    // Appended piecewise: g++ 12 at -O3 reports a false -Wrestrict for "literal" + std::string here.
    std::string kid = std::to_string(i);
    kid.insert(kid.begin(), 'k');
    many += ',';
    many += OkpEntry(kid);
  }
  EXPECT_EQ(ErrorOf(Entry(many)), "JWKS document has too many keys");
}

}  // namespace
}  // namespace bookstore::auth
