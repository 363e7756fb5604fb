#pragma once
// Compact JWS access tokens signed with Ed25519 ("EdDSA", RFC 8037).
//
// The algorithm is pinned: Verify refuses every token whose header does not say exactly "EdDSA" — none,
// HS256 (the classic forgery that HMACs with the public key), RS256, anything else — before it looks at
// the kid or any key. It never takes a key from the token itself (jwk, jku, x5u are ignored).

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "bookstore/auth/claims.h"
#include "bookstore/auth/keys.h"

namespace bookstore::auth {

// Tokens BookStore issues are about 400 bytes; anything longer than this is refused unread.
inline constexpr std::size_t kMaxTokenBytes = std::size_t{8} * 1024;

// Header {"alg":"EdDSA","typ":"JWT","kid":<active kid>}, payload
// {"iss","aud","sub","name","role","iat","exp","jti"}. Throws std::invalid_argument for claims that
// Verify would refuse anyway (bad subject, exp not after iat, empty iss/aud/jti, invalid UTF-8).
std::string Sign(const Claims& claims, const SigningKeys& keys);

enum class VerifyFailure {
  kMalformed,             // not three strict base64url segments of JSON objects, too long, bad typ/crit
  kUnsupportedAlgorithm,  // alg is anything but "EdDSA"
  kUnknownKid,            // no trusted key has this kid: refetch the JWKS (at a bounded rate)
  kBadSignature,
  kExpired,
  kNotYetValid,  // nbf or iat in the future (beyond the leeway)
  kWrongIssuer,
  kWrongAudience,
  kMissingClaim,
  kInvalidClaim,  // a claim of the wrong type or value (sub not a positive integer, unknown role, ...)
  kRevoked,       // only from TokenVerifier: the jti was revoked by a logout
};

// Stable snake_case names ("malformed", "unknown_kid", ...) for logs and metric labels.
std::string_view FailureName(VerifyFailure failure);

struct VerifyError {
  VerifyFailure failure = VerifyFailure::kMalformed;
  std::string detail;  // for logs; never echoes token content. Clients get a plain 401.
};

struct Expectations {
  std::string issuer;
  std::string audience;
  std::chrono::sys_seconds now{};
  std::chrono::seconds leeway{30};  // tolerated clock skew between auth and the verifier
};

class VerifyResult {
 public:
  VerifyResult(Claims claims) : value_(std::move(claims)) {}     // NOLINT(google-explicit-constructor)
  VerifyResult(VerifyError error) : value_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool Ok() const { return std::holds_alternative<Claims>(value_); }
  explicit operator bool() const { return Ok(); }
  // Precondition: Ok().
  [[nodiscard]] const Claims& Value() const& { return std::get<Claims>(value_); }
  [[nodiscard]] Claims&& Value() && { return std::get<Claims>(std::move(value_)); }
  // Precondition: !Ok().
  [[nodiscard]] const VerifyError& Error() const { return std::get<VerifyError>(value_); }
  [[nodiscard]] VerifyFailure Failure() const { return Error().failure; }

 private:
  std::variant<Claims, VerifyError> value_;
};

// Checks, in this order: length, three segments, header (JSON object, alg == "EdDSA", typ, crit, kid),
// key lookup, signature, payload (JSON object), claims present and well-typed, iss, aud (a string or an
// array containing the audience), exp, nbf, iat. Thread-safe; never throws for any input.
VerifyResult Verify(std::string_view token, const PublicKeySet& keys, const Expectations& expect);

}  // namespace bookstore::auth
