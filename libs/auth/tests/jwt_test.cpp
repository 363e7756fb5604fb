#include "bookstore/auth/jwt.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <random>
#include <set>

#include "bookstore/auth/base64url.h"
#include "bookstore/auth/jwks.h"

namespace bookstore::auth {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr sys_seconds kNow{seconds(1'750'000'000)};
constexpr std::string_view kHeader = R"({"alg":"EdDSA","typ":"JWT","kid":"k1"})";

std::string B64(std::string_view text) { return Base64UrlEncode(text); }

std::vector<std::string> Segments(std::string_view token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = token.find('.', start);
    parts.emplace_back(token.substr(start, dot - start));
    if (dot == std::string_view::npos) {
      return parts;
    }
    start = dot + 1;
  }
}

std::string Join(std::string_view a, std::string_view b, std::string_view c) {
  return std::string(a) + "." + std::string(b) + "." + std::string(c);
}

// A token over arbitrary header and payload JSON with a genuine Ed25519 signature by the active key:
// proves that Verify refuses such a token for its content, not for its signature.
std::string SignRaw(const SigningKeys& keys, std::string_view header_json, std::string_view payload_json) {
  const std::string input = B64(header_json) + "." + B64(payload_json);
  return input + "." + Base64UrlEncode(keys.SignWithActiveKey(input));
}

json::object PayloadOf(const Claims& c) {
  return json::object{{"iss", c.issuer},
                      {"aud", c.audience},
                      {"sub", c.subject},
                      {"name", c.name},
                      {"role", RoleName(c.role)},
                      {"iat", c.issued_at.time_since_epoch().count()},
                      {"exp", c.expires_at.time_since_epoch().count()},
                      {"jti", c.token_id}};
}

std::string HmacSha256(std::string_view key, std::string_view message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  return Base64UrlEncode(mac);
}

class JwtTest : public testing::Test {
 protected:
  [[nodiscard]] VerifyResult Check(std::string_view token) const { return Verify(token, trusted_, expect_); }

  [[nodiscard]] VerifyFailure FailureOf(std::string_view token) const {
    const auto result = Check(token);
    EXPECT_FALSE(result.Ok()) << "accepted: " << token;
    return result.Ok() ? VerifyFailure::kRevoked : result.Failure();  // kRevoked: never produced by Verify
  }

  // The standard payload with one change, genuinely signed.
  [[nodiscard]] std::string SignedWith(const std::function<void(json::object&)>& change) const {
    json::object payload = PayloadOf(claims_);
    change(payload);
    return SignRaw(keys_, kHeader, json::serialize(payload));
  }

  [[nodiscard]] std::string SignedWithHeader(std::string_view header) const {
    return SignRaw(keys_, header, json::serialize(PayloadOf(claims_)));
  }

  SigningKeys keys_ = SigningKeys::Parse(GenerateKeyLine("k1"));
  PublicKeySet trusted_ = keys_.PublicKeys();
  Expectations expect_{.issuer = "bookstore-auth", .audience = "bookstore", .now = kNow, .leeway = 30s};
  Claims claims_ = NewClaims("bookstore-auth", "bookstore", 42, "Ada Lovelace", Role::kUser, kNow, 1h);
  std::string token_ = Sign(claims_, keys_);
};

TEST_F(JwtTest, SignedTokenVerifiesToTheSameClaims) {
  const auto result = Check(token_);
  ASSERT_TRUE(result.Ok()) << result.Error().detail;
  EXPECT_EQ(result.Value(), claims_);
  EXPECT_EQ(result.Value().UserId(), 42);
  EXPECT_EQ(Base64UrlDecode(Segments(token_)[0]), std::string(kHeader));
  EXPECT_LT(token_.size(), 400U);
}

TEST_F(JwtTest, RoundTripsUnicodeNamesAndAdmins) {
  claims_.name = "Łukasz \"Ł\" Żółw 📚";
  claims_.role = Role::kAdmin;
  const auto result = Check(Sign(claims_, keys_));
  ASSERT_TRUE(result.Ok()) << result.Error().detail;
  EXPECT_EQ(result.Value(), claims_);
}

TEST_F(JwtTest, AlgNoneIsRefusedWithAndWithoutSignature) {
  const auto parts = Segments(token_);
  for (const char* header : {R"({"alg":"none","typ":"JWT","kid":"k1"})", R"({"alg":"none"})",
                             R"({"alg":"None","kid":"k1"})", R"({"alg":"NONE","kid":"k1"})"}) {
    EXPECT_EQ(FailureOf(Join(B64(header), parts[1], "")), VerifyFailure::kUnsupportedAlgorithm) << header;
    EXPECT_EQ(FailureOf(Join(B64(header), parts[1], parts[2])), VerifyFailure::kUnsupportedAlgorithm)
        << header;
  }
}

TEST_F(JwtTest, Hs256WithThePublicKeyAsSecretIsRefused) {
  const PublicKey& public_key = *trusted_.Find("k1");
  const std::string raw_key(public_key.begin(), public_key.end());
  const std::string jwk_x = Base64UrlEncode(public_key);
  const std::string payload = Segments(token_)[1];
  for (const char* header :
       {R"({"alg":"HS256","typ":"JWT","kid":"k1"})", R"({"alg":"HS256","typ":"JWT","kid":"no-such-kid"})"}) {
    const std::string input = B64(header) + "." + payload;
    for (const auto& secret : {raw_key, jwk_x, BuildJwks(keys_)}) {
      EXPECT_EQ(FailureOf(input + "." + HmacSha256(secret, input)), VerifyFailure::kUnsupportedAlgorithm)
          << header;
    }
  }
}

TEST_F(JwtTest, Rs256IsRefused) {
  const auto parts = Segments(token_);
  const std::string rsa_signature = Base64UrlEncode(std::string(256, '\x5a'));
  EXPECT_EQ(FailureOf(Join(B64(R"({"alg":"RS256","typ":"JWT","kid":"k1"})"), parts[1], rsa_signature)),
            VerifyFailure::kUnsupportedAlgorithm);
}

TEST_F(JwtTest, AnyAlgOtherThanEdDsaIsRefusedEvenWithAValidEd25519Signature) {
  for (const char* header :
       {R"({"alg":"eddsa","kid":"k1"})", R"({"alg":"EdDSA ","kid":"k1"})", R"({"alg":"Ed25519","kid":"k1"})",
        R"({"alg":"ES256","kid":"k1"})", R"({"alg":"HS512","kid":"k1"})", R"({"alg":"PS256","kid":"k1"})",
        R"({"alg":1,"kid":"k1"})", R"({"alg":null,"kid":"k1"})", R"({"alg":["EdDSA"],"kid":"k1"})",
        R"({"kid":"k1"})", R"({"ALG":"EdDSA","kid":"k1"})"}) {
    EXPECT_EQ(FailureOf(SignedWithHeader(header)), VerifyFailure::kUnsupportedAlgorithm) << header;
  }
}

TEST_F(JwtTest, AlgIsRefusedBeforeTheKidIsLookedUp) {
  // With no trusted key at all, the answer for a foreign alg is still "unsupported", never "unknown
  // kid": the gateway must not refetch the JWKS for tokens it would refuse anyway.
  for (const char* header : {R"({"alg":"HS256","kid":"unknown"})", R"({"alg":"none","kid":"k1"})",
                             R"({"alg":"RS256","kid":"k1"})"}) {
    const auto result = Verify(SignedWithHeader(header), PublicKeySet{}, expect_);
    ASSERT_FALSE(result.Ok()) << header;
    EXPECT_EQ(result.Failure(), VerifyFailure::kUnsupportedAlgorithm) << header;
  }
  const auto result = Verify(token_, PublicKeySet{}, expect_);
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Failure(), VerifyFailure::kUnknownKid);
}

TEST_F(JwtTest, TamperedPayloadKeepsNoOldSignature) {
  const auto parts = Segments(token_);
  std::string payload = *Base64UrlDecode(parts[1]);
  const auto at = payload.find(R"("role":"user")");
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 13, R"("role":"admin")");
  EXPECT_EQ(FailureOf(Join(parts[0], B64(payload), parts[2])), VerifyFailure::kBadSignature);
}

TEST_F(JwtTest, TamperedHeaderKidIsRefused) {
  const auto both = SigningKeys::Parse(GenerateKeyLine("k1") + "\n" + GenerateKeyLine("k2"));
  trusted_ = both.PublicKeys();
  const auto parts = Segments(Sign(claims_, both));
  EXPECT_EQ(Base64UrlDecode(parts[0]), R"({"alg":"EdDSA","typ":"JWT","kid":"k2"})");
  ASSERT_TRUE(Check(Join(parts[0], parts[1], parts[2])).Ok());
  EXPECT_EQ(FailureOf(Join(B64(kHeader), parts[1], parts[2])), VerifyFailure::kBadSignature);
}

TEST_F(JwtTest, UnknownKidIsReportedDistinctly) {
  const auto other = SigningKeys::Parse(GenerateKeyLine("k9"));
  EXPECT_EQ(FailureOf(Sign(claims_, other)), VerifyFailure::kUnknownKid);
  // Same kid, different key: that is a bad signature, not an unknown kid.
  const auto impostor = SigningKeys::Parse(GenerateKeyLine("k1"));
  EXPECT_EQ(FailureOf(Sign(claims_, impostor)), VerifyFailure::kBadSignature);
}

TEST_F(JwtTest, ExpiryHonoursTheLeewayExactly) {
  claims_.issued_at = kNow - 2h;
  claims_.expires_at = kNow - 30s;
  EXPECT_EQ(FailureOf(Sign(claims_, keys_)), VerifyFailure::kExpired);
  claims_.expires_at = kNow - 29s;
  EXPECT_TRUE(Check(Sign(claims_, keys_)).Ok());
  claims_.expires_at = kNow - 1h;
  EXPECT_EQ(FailureOf(Sign(claims_, keys_)), VerifyFailure::kExpired);
  expect_.leeway = 0s;
  claims_.expires_at = kNow;
  EXPECT_EQ(FailureOf(Sign(claims_, keys_)), VerifyFailure::kExpired);
}

TEST_F(JwtTest, TokensFromTheFutureAreNotYetValid) {
  claims_.issued_at = kNow + 31s;
  claims_.expires_at = kNow + 1h;
  EXPECT_EQ(FailureOf(Sign(claims_, keys_)), VerifyFailure::kNotYetValid);
  claims_.issued_at = kNow + 30s;
  EXPECT_TRUE(Check(Sign(claims_, keys_)).Ok());
  const auto nbf_in = [](seconds offset) {
    return [offset](json::object& p) { p["nbf"] = (kNow + offset).time_since_epoch().count(); };
  };
  EXPECT_EQ(FailureOf(SignedWith(nbf_in(60s))), VerifyFailure::kNotYetValid);
  EXPECT_TRUE(Check(SignedWith(nbf_in(0s))).Ok());
  EXPECT_EQ(FailureOf(SignedWith([](json::object& p) { p["nbf"] = "soon"; })), VerifyFailure::kInvalidClaim);
}

TEST_F(JwtTest, WrongIssuerAndAudienceAreRefused) {
  claims_.issuer = "evil-auth";
  EXPECT_EQ(FailureOf(Sign(claims_, keys_)), VerifyFailure::kWrongIssuer);
  claims_.issuer = "bookstore-auth";
  claims_.audience = "another-shop";
  EXPECT_EQ(FailureOf(Sign(claims_, keys_)), VerifyFailure::kWrongAudience);
}

TEST_F(JwtTest, AudienceMayBeAnArrayContainingUs) {
  const auto ok = Check(SignedWith([](json::object& p) { p["aud"] = json::array{"catalog", "bookstore"}; }));
  ASSERT_TRUE(ok.Ok()) << ok.Error().detail;
  EXPECT_EQ(ok.Value().audience, "bookstore");
  EXPECT_EQ(FailureOf(SignedWith([](json::object& p) { p["aud"] = json::array{"catalog"}; })),
            VerifyFailure::kWrongAudience);
  EXPECT_EQ(FailureOf(SignedWith([](json::object& p) { p["aud"] = json::array{}; })),
            VerifyFailure::kWrongAudience);
  EXPECT_EQ(FailureOf(SignedWith([](json::object& p) {
              p["aud"] = json::array{1, "bookstore"};
            })),
            VerifyFailure::kInvalidClaim);
  EXPECT_EQ(FailureOf(SignedWith([](json::object& p) { p["aud"] = 7; })), VerifyFailure::kInvalidClaim);
}

TEST_F(JwtTest, EveryClaimIsRequired) {
  for (const char* claim : {"iss", "aud", "sub", "name", "role", "iat", "exp", "jti"}) {
    const auto result = Check(SignedWith([claim](json::object& p) { p.erase(claim); }));
    ASSERT_FALSE(result.Ok()) << claim;
    EXPECT_EQ(result.Failure(), VerifyFailure::kMissingClaim) << claim;
    EXPECT_EQ(result.Error().detail, std::string("missing claim ") + claim);
  }
}

TEST_F(JwtTest, ClaimsOfTheWrongTypeOrValueAreRefused) {
  const std::vector<std::pair<const char*, json::value>> cases = {{"sub", "0"},
                                                                  {"sub", "-1"},
                                                                  {"sub", "abc"},
                                                                  {"sub", "042"},
                                                                  {"sub", 42},
                                                                  {"sub", "99999999999999999999"},
                                                                  {"role", "superuser"},
                                                                  {"role", "Admin"},
                                                                  {"name", 5},
                                                                  {"iss", nullptr},
                                                                  {"exp", "1750003600"},
                                                                  {"exp", 1.75e9},
                                                                  {"exp", -1},
                                                                  {"exp", 253402300800},
                                                                  {"iat", json::array{}},
                                                                  {"exp", 1'750'000'000 - 3600},
                                                                  {"jti", ""},
                                                                  {"jti", json::object{}}};
  for (const auto& change : cases) {
    const auto result = Check(SignedWith([&change](json::object& p) { p[change.first] = change.second; }));
    std::string what = change.first;
    what += '=';
    what += json::serialize(change.second);
    ASSERT_FALSE(result.Ok()) << what;
    EXPECT_EQ(result.Failure(), VerifyFailure::kInvalidClaim) << what;
  }
}

TEST_F(JwtTest, StructurallyBrokenTokensAreMalformed) {
  const auto parts = Segments(token_);
  const std::vector<std::string> broken = {
      "",
      ".",
      "..",
      "not a token",
      parts[0],
      parts[0] + "." + parts[1],
      token_ + ".",
      token_ + "." + parts[2],
      "." + parts[1] + "." + parts[2],
      Join(parts[0], parts[1], ""),
      Join(parts[0], parts[1], parts[2].substr(0, parts[2].size() - 2)),
      Join(parts[0] + "=", parts[1], parts[2]),
      Join(parts[0], parts[1], parts[2] + "=="),
      Join(" " + parts[0], parts[1], parts[2]),
      token_ + "\n",
      token_ + std::string(1, '\0'),
      Join(B64("not json"), parts[1], parts[2]),
      Join(B64("[1,2]"), parts[1], parts[2]),
      Join(B64("\"EdDSA\""), parts[1], parts[2]),
      Join(B64(std::string(kHeader) + " x"), parts[1], parts[2]),
      Join(B64(std::string(kHeader) + "{}"), parts[1], parts[2]),
      Join("!!!!", parts[1], parts[2]),
      SignRaw(keys_, kHeader, "not json"),
      SignRaw(keys_, kHeader, "[\"a\"]"),
      SignRaw(keys_, kHeader, ""),
  };
  for (const auto& token : broken) {
    EXPECT_EQ(FailureOf(token), VerifyFailure::kMalformed) << token;
  }
}

TEST_F(JwtTest, NonCanonicalSignatureEncodingIsMalformed) {
  auto parts = Segments(token_);
  // 64 bytes take 86 characters with 4 unused bits at the end; setting one gives a second spelling of
  // the same bytes, which strict decoding refuses.
  std::string& signature = parts[2];
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto index = alphabet.find(signature.back());
  ASSERT_EQ(index % 16, 0U);
  signature.back() = alphabet[index + 1];
  EXPECT_EQ(FailureOf(Join(parts[0], parts[1], parts[2])), VerifyFailure::kMalformed);
}

TEST_F(JwtTest, HeaderRulesBesideAlg) {
  EXPECT_TRUE(Check(SignedWithHeader(R"({"alg":"EdDSA","kid":"k1"})")).Ok()) << "typ is optional";
  EXPECT_TRUE(Check(SignedWithHeader(R"({"alg":"EdDSA","typ":"jwt","kid":"k1"})")).Ok());
  EXPECT_EQ(FailureOf(SignedWithHeader(R"({"alg":"EdDSA","typ":"at+jwt","kid":"k1"})")),
            VerifyFailure::kMalformed);
  EXPECT_EQ(FailureOf(SignedWithHeader(R"({"alg":"EdDSA","kid":"k1","crit":["exp"],"exp":1})")),
            VerifyFailure::kMalformed);
  EXPECT_EQ(FailureOf(SignedWithHeader(R"({"alg":"EdDSA"})")), VerifyFailure::kMalformed);
  EXPECT_EQ(FailureOf(SignedWithHeader(R"({"alg":"EdDSA","kid":1})")), VerifyFailure::kMalformed);
  // A key embedded in the token is never trusted: the kid still decides.
  const auto other = SigningKeys::Parse(GenerateKeyLine("k1"));
  const std::string embedded = BuildJwks(other);
  const std::string header = R"({"alg":"EdDSA","kid":"k1","jwk":)" +
                             embedded.substr(9, embedded.size() - 11) + R"(,"jku":"https://evil/jwks.json"})";
  const std::string input = B64(header) + "." + B64(json::serialize(PayloadOf(claims_)));
  EXPECT_EQ(FailureOf(input + "." + Base64UrlEncode(other.SignWithActiveKey(input))),
            VerifyFailure::kBadSignature);
}

TEST_F(JwtTest, OversizeTokensAreRefusedUnread) {
  EXPECT_EQ(FailureOf(std::string(kMaxTokenBytes + 1, 'A')), VerifyFailure::kMalformed);
  const std::string padded =
      SignedWithHeader(R"({"alg":"EdDSA","kid":"k1","pad":")" + std::string(6200, 'x') + "\"}");
  ASSERT_GT(padded.size(), kMaxTokenBytes);
  const auto result = Check(padded);
  ASSERT_FALSE(result.Ok());
  EXPECT_EQ(result.Failure(), VerifyFailure::kMalformed);
  EXPECT_EQ(result.Error().detail, "token is too long");
}

TEST_F(JwtTest, DeeplyNestedJsonIsMalformedNotACrash) {
  EXPECT_EQ(FailureOf(Join(B64(std::string(3000, '[')), "e30", "AA")), VerifyFailure::kMalformed);
  const std::string nested_header =
      R"({"alg":"EdDSA","kid":"k1","x":)" + std::string(200, '[') + std::string(200, ']') + "}";
  EXPECT_EQ(FailureOf(SignedWithHeader(nested_header)), VerifyFailure::kMalformed);
}

TEST_F(JwtTest, KeyRotationOldTokensVerifyWhileTheNewKeySigns) {
  const std::string old_line = GenerateKeyLine("2024-01");
  const std::string new_line = GenerateKeyLine("2024-02");
  const auto before = SigningKeys::Parse(old_line);
  const std::string old_token = Sign(claims_, before);

  const auto during = SigningKeys::Parse(old_line + "\n" + new_line);
  const std::string new_token = Sign(claims_, during);
  EXPECT_EQ(Base64UrlDecode(Segments(new_token)[0]), R"({"alg":"EdDSA","typ":"JWT","kid":"2024-02"})");
  // Verifiers learn the keys through the JWKS.
  trusted_ = ParseJwks(BuildJwks(during)).keys;
  EXPECT_TRUE(Check(old_token).Ok());
  EXPECT_TRUE(Check(new_token).Ok());

  const auto after = SigningKeys::Parse(new_line);
  trusted_ = ParseJwks(BuildJwks(after)).keys;
  EXPECT_EQ(FailureOf(old_token), VerifyFailure::kUnknownKid);
  EXPECT_TRUE(Check(new_token).Ok());
}

TEST_F(JwtTest, EverySingleCharacterChangeIsRefused) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
  int tried = 0;
  for (std::size_t i = 0; i < token_.size(); ++i) {
    for (const char replacement :
         {alphabet[(i * 7) % alphabet.size()], alphabet[(i * 13 + 5) % alphabet.size()]}) {
      if (replacement == token_[i]) {
        continue;
      }
      std::string mutated = token_;
      mutated[i] = replacement;
      EXPECT_FALSE(Check(mutated).Ok()) << "position " << i << " -> " << replacement;
      ++tried;
    }
  }
  EXPECT_GT(tried, 500);
}

TEST_F(JwtTest, RandomGarbageIsRefusedWithoutCrashing) {
  std::mt19937 rng(12345);
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_..{}\"\\\x80\xff";
  for (int i = 0; i < 2000; ++i) {
    std::string garbage(rng() % 600, ' ');
    for (auto& c : garbage) {
      c = alphabet[rng() % alphabet.size()];
    }
    EXPECT_FALSE(Check(garbage).Ok());
  }
}

TEST_F(JwtTest, SignRefusesClaimsNoVerifierWouldAccept) {
  auto bad = claims_;
  bad.subject = "abc";
  EXPECT_THROW(Sign(bad, keys_), std::invalid_argument);
  bad = claims_;
  bad.expires_at = bad.issued_at;
  EXPECT_THROW(Sign(bad, keys_), std::invalid_argument);
  bad = claims_;
  bad.issuer.clear();
  EXPECT_THROW(Sign(bad, keys_), std::invalid_argument);
  bad = claims_;
  bad.token_id.clear();
  EXPECT_THROW(Sign(bad, keys_), std::invalid_argument);
  bad = claims_;
  bad.name = "broken \xc3 utf-8";
  EXPECT_THROW(Sign(bad, keys_), std::invalid_argument);
  bad = claims_;
  bad.name = std::string(kMaxTokenBytes, 'n');
  EXPECT_THROW(Sign(bad, keys_), std::invalid_argument);
}

TEST_F(JwtTest, NewClaimsFillTimesAndAFreshJti) {
  const auto a = NewClaims("i", "a", 7, "n", Role::kAdmin, kNow, 15min);
  const auto b = NewClaims("i", "a", 7, "n", Role::kAdmin, kNow, 15min);
  EXPECT_EQ(a.subject, "7");
  EXPECT_EQ(a.issued_at, kNow);
  EXPECT_EQ(a.expires_at, kNow + 15min);
  EXPECT_EQ(a.token_id.size(), 22U);
  EXPECT_NE(a.token_id, b.token_id);
  EXPECT_THROW(NewClaims("i", "a", 0, "n", Role::kUser, kNow, 15min), std::invalid_argument);
  EXPECT_THROW(NewClaims("i", "a", 1, "n", Role::kUser, kNow, 0s), std::invalid_argument);
}

TEST(RoleTest, AdminSatisfiesEveryRequirement) {
  Claims user;
  user.subject = "5";
  Claims admin = user;
  admin.subject = "9";
  admin.role = Role::kAdmin;
  EXPECT_TRUE(HasRole(user, Role::kUser));
  EXPECT_FALSE(HasRole(user, Role::kAdmin));
  EXPECT_TRUE(HasRole(admin, Role::kUser));
  EXPECT_TRUE(HasRole(admin, Role::kAdmin));
  EXPECT_FALSE(IsAdmin(user));
  EXPECT_TRUE(IsSelfOrAdmin(user, 5));
  EXPECT_FALSE(IsSelfOrAdmin(user, 6));
  EXPECT_TRUE(IsSelfOrAdmin(admin, 6));
  Claims nobody;
  EXPECT_FALSE(IsSelfOrAdmin(nobody, 0)) << "an unset subject owns nothing";
  EXPECT_EQ(ParseRole("admin"), Role::kAdmin);
  EXPECT_EQ(ParseRole("ADMIN"), std::nullopt);
  EXPECT_EQ(RoleName(Role::kUser), "user");
}

TEST(VerifyFailureTest, NamesAreDistinct) {
  std::set<std::string_view> names;
  for (int f = 0; f <= static_cast<int>(VerifyFailure::kRevoked); ++f) {
    names.insert(FailureName(static_cast<VerifyFailure>(f)));
  }
  EXPECT_EQ(names.size(), 11U);
  EXPECT_EQ(names.count("unknown"), 0U);
}

}  // namespace
}  // namespace bookstore::auth
