// JWT parsing and verification (libs/auth): ExtractBearerToken, Verify, TokenVerifier (with its cache),
// Sign, and the JWKS documents verifiers load (ParseJwks, BuildJwks). Two keys are trusted, k1 and k2
// (the active one); "now" is 1700000000 (2023-11-14T22:13:20Z), issuer bookstore-auth, audience bookstore.
//
// Input: a mode character, then its text:
//   B<Authorization header value>   ExtractBearerToken, then verification of the token it finds
//   S<header JSON>\n<payload JSON>  a token made of them and signed with k2, verified (reaches the claims)
//   s<header JSON>\n<payload JSON>  the same, signed with k1 (a retired key that still verifies)
//   P<payload JSON>                 signed under the header {"alg":"EdDSA","typ":"JWT","kid":"k2"}
//   J<JWKS document>                ParseJwks
//   anything else                   the whole input verified as a token
//
// Invariants: Verify never throws and TokenVerifier agrees with it; an accepted token has claims that
// satisfy every rule (positive subject, known role, jti, exp after iat, our issuer and audience, not
// expired), and signing those claims anew gives a token that verifies to the same claims; a JWKS that
// parses is written back by BuildJwks into one that parses to the same keys.

#include "bookstore/auth/jwt.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "bookstore/auth/base64url.h"
#include "bookstore/auth/bearer.h"
#include "bookstore/auth/claims.h"
#include "bookstore/auth/jwks.h"
#include "bookstore/auth/keys.h"
#include "bookstore/auth/token_verifier.h"
#include "check.h"

namespace {

namespace auth = bookstore::auth;
using std::chrono::seconds;

constexpr std::string_view kKeyOne = "k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n";
constexpr std::string_view kKeyTwo = "k2 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8\n";

struct Setup {
  auth::SigningKeys keys = auth::SigningKeys::Parse(std::string(kKeyOne) + std::string(kKeyTwo));
  auth::SigningKeys retired = auth::SigningKeys::Parse(kKeyOne);
  auth::PublicKeySet trusted = keys.PublicKeys();
  auth::Expectations expect{.issuer = "bookstore-auth",
                            .audience = "bookstore",
                            .now = std::chrono::sys_seconds(seconds(1'700'000'000)),
                            .leeway = seconds(30)};
  auth::TokenVerifier verifier{
      auth::TokenVerifier::Options{.issuer = "bookstore-auth", .audience = "bookstore"}};

  Setup() { verifier.SetKeys(trusted); }
};

Setup& TheSetup() {
  static Setup setup;
  return setup;
}

// header.payload signed by `keys`' active key, as auth::Sign assembles a token.
std::string SignedToken(std::string_view header, std::string_view payload, const auth::SigningKeys& keys) {
  std::string token = auth::Base64UrlEncode(header) + "." + auth::Base64UrlEncode(payload);
  const auth::Signature signature = keys.SignWithActiveKey(token);
  return token + "." + auth::Base64UrlEncode(signature);
}

void CheckVerify(std::string_view token) {
  Setup& setup = TheSetup();
  const auth::VerifyResult result = auth::Verify(token, setup.trusted, setup.expect);
  const auth::VerifyResult cached = setup.verifier.Verify(token, setup.expect.now);
  FUZZ_CHECK(cached.Ok() == result.Ok(), "TokenVerifier agrees with Verify");
  if (!result.Ok()) {
    FUZZ_CHECK(cached.Failure() == result.Failure(), "TokenVerifier fails as Verify does");
    FUZZ_CHECK(auth::FailureName(result.Failure()) != "unknown", "every failure has a name");
    return;
  }
  FUZZ_CHECK(cached.Value() == result.Value(), "TokenVerifier gives the claims Verify gives");

  const auth::Claims& claims = result.Value();
  FUZZ_CHECK(auth::IsValidSubject(claims.subject) && claims.UserId() > 0,
             "the subject is a positive integer");
  FUZZ_CHECK(claims.issuer == setup.expect.issuer, "the issuer is ours");
  FUZZ_CHECK(claims.audience == setup.expect.audience, "the audience is ours");
  FUZZ_CHECK(!claims.token_id.empty(), "a token has a jti");
  FUZZ_CHECK(claims.expires_at > claims.issued_at, "exp is after iat");
  FUZZ_CHECK(setup.expect.now < claims.expires_at + setup.expect.leeway, "an accepted token has not expired");
  FUZZ_CHECK(claims.issued_at <= setup.expect.now + setup.expect.leeway,
             "an accepted token was not issued later");

  std::string again;
  try {
    again = auth::Sign(claims, setup.keys);
  } catch (const std::invalid_argument&) {
    // Sign's own header is longer than the shortest one Verify accepts, so claims that filled a token
    // up to kMaxTokenBytes may not fit in a new one.
    FUZZ_CHECK(token.size() + 64 > auth::kMaxTokenBytes, "claims that verified can be signed again");
    return;
  }
  const auth::VerifyResult reverified = auth::Verify(again, setup.trusted, setup.expect);
  FUZZ_CHECK(reverified.Ok() && reverified.Value() == claims, "Sign(Verify(t)) verifies to the same claims");
}

void CheckJwks(std::string_view document) {
  auth::ParsedJwks parsed;
  try {
    parsed = auth::ParseJwks(document);
  } catch (const auth::JwksError&) {
    return;
  }
  FUZZ_CHECK(!parsed.keys.Empty() && parsed.keys.Size() <= auth::kMaxJwksKeys,
             "a JWKS has 1-100 usable keys");
  for (const auto& [kid, key] : parsed.keys.Entries()) {
    FUZZ_CHECK(auth::IsValidKid(kid), "every kid is valid");
  }
  const auth::ParsedJwks again = auth::ParseJwks(auth::BuildJwks(parsed.keys));
  FUZZ_CHECK(again.keys == parsed.keys && again.skipped.empty(), "BuildJwks writes back the same keys");
}

std::pair<std::string_view, std::string_view> SplitLine(std::string_view text) {
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos) return {text, {}};
  return {text.substr(0, newline), text.substr(newline + 1)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  const std::string_view rest = input.substr(1);
  switch (input.front()) {
    case 'B':
      if (const auto token = auth::ExtractBearerToken(rest)) {
        FUZZ_CHECK(!token->empty() && rest.find(*token) != std::string_view::npos,
                   "the token is in the header");
        CheckVerify(*token);
      }
      break;
    case 'S':
    case 's': {
      const auto [header, payload] = SplitLine(rest);
      const auto& keys = input.front() == 'S' ? TheSetup().keys : TheSetup().retired;
      CheckVerify(SignedToken(header, payload, keys));
      break;
    }
    case 'P':
      CheckVerify(SignedToken(R"({"alg":"EdDSA","typ":"JWT","kid":"k2"})", rest, TheSetup().keys));
      break;
    case 'J':
      CheckJwks(rest);
      break;
    default:
      CheckVerify(input);
      break;
  }
  return 0;
}
