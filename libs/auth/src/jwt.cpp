#include "bookstore/auth/jwt.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "bookstore/auth/base64url.h"
#include "bookstore/auth/sodium.h"

namespace bookstore::auth {
namespace {

namespace json = boost::json;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::string_view kAlgorithm = "EdDSA";
// 9999-12-31T23:59:59Z. Bounding NumericDates keeps "exp + leeway" far from overflow.
constexpr std::int64_t kMaxNumericDate = 253402300799;

VerifyError Failure(VerifyFailure failure, std::string detail) {
  return VerifyError{failure, std::move(detail)};
}

VerifyError MissingClaim(std::string_view claim) {
  return Failure(VerifyFailure::kMissingClaim, "missing claim " + std::string(claim));
}

VerifyError InvalidClaim(std::string_view claim, std::string_view problem) {
  return Failure(VerifyFailure::kInvalidClaim, "claim " + std::string(claim) + " " + std::string(problem));
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Decodes one segment and parses it; nullopt unless it is strict base64url of a JSON object. The
// values live in `storage`, so they must not outlive it.
std::optional<json::object> DecodeObject(std::string_view segment, const json::storage_ptr& storage) {
  const auto text = Base64UrlDecode(segment);
  if (!text) {
    return std::nullopt;
  }
  json::error_code ec;
  json::value value = json::parse(*text, ec, storage);
  if (ec || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

// Every header check that needs no key. alg comes first: a token naming any other algorithm is refused
// before its kid is even read.
std::optional<VerifyError> CheckHeader(const json::object& header, std::string_view& kid) {
  const auto* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string() || std::string_view{alg->get_string()} != kAlgorithm) {
    return Failure(VerifyFailure::kUnsupportedAlgorithm, "alg is not EdDSA");
  }
  if (header.contains("crit")) {
    return Failure(VerifyFailure::kMalformed, "header has crit extensions, none is supported");
  }
  if (const auto* typ = header.if_contains("typ");
      typ != nullptr &&
      (!typ->is_string() || !EqualsIgnoringCase(std::string_view{typ->get_string()}, "JWT"))) {
    return Failure(VerifyFailure::kMalformed, "header typ is not JWT");
  }
  const auto* kid_value = header.if_contains("kid");
  if (kid_value == nullptr || !kid_value->is_string()) {
    return Failure(VerifyFailure::kMalformed, "header has no kid");
  }
  kid = std::string_view{kid_value->get_string()};
  return std::nullopt;
}

std::optional<VerifyError> ReadString(const json::object& payload, std::string_view name, std::string& out) {
  const auto* value = payload.if_contains(name);
  if (value == nullptr) {
    return MissingClaim(name);
  }
  if (!value->is_string()) {
    return InvalidClaim(name, "is not a string");
  }
  out = std::string_view{value->get_string()};
  return std::nullopt;
}

std::optional<sys_seconds> ToNumericDate(const json::value& value) {
  if (!value.is_int64()) {
    return std::nullopt;  // also refuses fractions and numbers beyond int64
  }
  const std::int64_t n = value.get_int64();
  if (n < 0 || n > kMaxNumericDate) {
    return std::nullopt;
  }
  return sys_seconds(seconds(n));
}

std::optional<VerifyError> ReadTime(const json::object& payload, std::string_view name, sys_seconds& out) {
  const auto* value = payload.if_contains(name);
  if (value == nullptr) {
    return MissingClaim(name);
  }
  const auto time = ToNumericDate(*value);
  if (!time) {
    return InvalidClaim(name, "is not an integer NumericDate");
  }
  out = *time;
  return std::nullopt;
}

// aud may be one string or an array of strings (RFC 7519 §4.1.3).
std::optional<VerifyError> CheckAudience(const json::object& payload, const std::string& expected) {
  const auto* aud = payload.if_contains("aud");
  if (aud == nullptr) {
    return MissingClaim("aud");
  }
  if (aud->is_string()) {
    if (std::string_view{aud->get_string()} == expected) {
      return std::nullopt;
    }
    return Failure(VerifyFailure::kWrongAudience, "token is for another audience");
  }
  if (!aud->is_array()) {
    return InvalidClaim("aud", "is neither a string nor an array");
  }
  bool found = false;
  for (const auto& item : aud->get_array()) {
    if (!item.is_string()) {
      return InvalidClaim("aud", "holds a non-string");
    }
    found = found || std::string_view{item.get_string()} == expected;
  }
  if (found) {
    return std::nullopt;
  }
  return Failure(VerifyFailure::kWrongAudience, "token is for another audience");
}

VerifyResult ReadAndCheckClaims(const json::object& payload, const Expectations& expect) {
  Claims claims;
  std::string role;
  for (auto error : {ReadString(payload, "iss", claims.issuer), ReadString(payload, "sub", claims.subject),
                     ReadString(payload, "name", claims.name), ReadString(payload, "role", role),
                     ReadString(payload, "jti", claims.token_id), ReadTime(payload, "iat", claims.issued_at),
                     ReadTime(payload, "exp", claims.expires_at)}) {
    if (error) {
      return std::move(*error);
    }
  }
  if (!payload.contains("aud")) {
    return MissingClaim("aud");
  }

  if (!IsValidSubject(claims.subject)) {
    return InvalidClaim("sub", "is not a positive integer");
  }
  const auto parsed_role = ParseRole(role);
  if (!parsed_role) {
    return InvalidClaim("role", "is neither user nor admin");
  }
  claims.role = *parsed_role;
  if (claims.token_id.empty()) {
    return InvalidClaim("jti", "is empty");
  }
  if (claims.expires_at <= claims.issued_at) {
    return InvalidClaim("exp", "is not after iat");
  }

  if (claims.issuer != expect.issuer) {
    return Failure(VerifyFailure::kWrongIssuer, "token is from another issuer");
  }
  if (auto error = CheckAudience(payload, expect.audience)) {
    return std::move(*error);
  }
  claims.audience = expect.audience;

  const seconds leeway = std::max(expect.leeway, seconds::zero());
  if (expect.now >= claims.expires_at + leeway) {
    return Failure(VerifyFailure::kExpired, "token has expired");
  }
  if (claims.issued_at > expect.now + leeway) {
    return Failure(VerifyFailure::kNotYetValid, "token was issued in the future");
  }
  if (const auto* nbf = payload.if_contains("nbf")) {
    const auto not_before = ToNumericDate(*nbf);
    if (!not_before) {
      return InvalidClaim("nbf", "is not an integer NumericDate");
    }
    if (*not_before > expect.now + leeway) {
      return Failure(VerifyFailure::kNotYetValid, "token is not valid yet");
    }
  }
  return claims;
}

void CheckSignable(const Claims& claims) {
  const auto in_range = [](sys_seconds t) {
    return t.time_since_epoch().count() >= 0 && t.time_since_epoch().count() <= kMaxNumericDate;
  };
  if (claims.issuer.empty()) {
    throw std::invalid_argument("claims without issuer");
  }
  if (claims.audience.empty()) {
    throw std::invalid_argument("claims without audience");
  }
  if (claims.token_id.empty()) {
    throw std::invalid_argument("claims without jti");
  }
  if (!IsValidSubject(claims.subject)) {
    throw std::invalid_argument("subject is not a positive integer");
  }
  if (!in_range(claims.issued_at) || !in_range(claims.expires_at)) {
    throw std::invalid_argument("time out of range");
  }
  if (claims.expires_at <= claims.issued_at) {
    throw std::invalid_argument("exp is not after iat");
  }
}

}  // namespace

std::string_view FailureName(VerifyFailure failure) {
  switch (failure) {
    case VerifyFailure::kMalformed:
      return "malformed";
    case VerifyFailure::kUnsupportedAlgorithm:
      return "unsupported_alg";
    case VerifyFailure::kUnknownKid:
      return "unknown_kid";
    case VerifyFailure::kBadSignature:
      return "bad_signature";
    case VerifyFailure::kExpired:
      return "expired";
    case VerifyFailure::kNotYetValid:
      return "not_yet_valid";
    case VerifyFailure::kWrongIssuer:
      return "wrong_issuer";
    case VerifyFailure::kWrongAudience:
      return "wrong_audience";
    case VerifyFailure::kMissingClaim:
      return "missing_claim";
    case VerifyFailure::kInvalidClaim:
      return "invalid_claim";
    case VerifyFailure::kRevoked:
      return "revoked";
  }
  return "unknown";
}

std::string Sign(const Claims& claims, const SigningKeys& keys) {
  CheckSignable(claims);
  const json::object header{{"alg", kAlgorithm}, {"typ", "JWT"}, {"kid", keys.ActiveKid()}};
  const json::object payload{{"iss", claims.issuer},
                             {"aud", claims.audience},
                             {"sub", claims.subject},
                             {"name", claims.name},
                             {"role", RoleName(claims.role)},
                             {"iat", claims.issued_at.time_since_epoch().count()},
                             {"exp", claims.expires_at.time_since_epoch().count()},
                             {"jti", claims.token_id}};
  const std::string payload_json = json::serialize(payload);
  // serialize copies bytes through unchecked; a token with invalid UTF-8 would never parse again.
  json::error_code ec;
  json::parse(payload_json, ec);
  if (ec) {
    throw std::invalid_argument("claims are not valid UTF-8");
  }

  std::string token = Base64UrlEncode(json::serialize(header));
  token += '.';
  token += Base64UrlEncode(payload_json);
  const Signature signature = keys.SignWithActiveKey(token);
  token += '.';
  token += Base64UrlEncode(signature);
  if (token.size() > kMaxTokenBytes) {
    throw std::invalid_argument("token would exceed kMaxTokenBytes");
  }
  return token;
}

VerifyResult Verify(std::string_view token, const PublicKeySet& keys, const Expectations& expect) {
  EnsureSodium();
  if (token.size() > kMaxTokenBytes) {
    return Failure(VerifyFailure::kMalformed, "token is too long");
  }
  const auto first_dot = token.find('.');
  const auto second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    return Failure(VerifyFailure::kMalformed, "token is not three dot-separated segments");
  }
  const auto signing_input = token.substr(0, second_dot);

  // Header and payload are small (the token is bounded), so parse them into a stack buffer.
  std::array<unsigned char, 4096> buffer{};
  json::monotonic_resource resource(buffer.data(), buffer.size());
  const json::storage_ptr storage(&resource);

  const auto header = DecodeObject(token.substr(0, first_dot), storage);
  if (!header) {
    return Failure(VerifyFailure::kMalformed, "header is not base64url of a JSON object");
  }
  std::string_view kid;
  if (auto error = CheckHeader(*header, kid)) {
    return std::move(*error);
  }

  const PublicKey* key = keys.Find(kid);
  if (key == nullptr) {
    return Failure(VerifyFailure::kUnknownKid, "no trusted key has this kid");
  }

  Signature signature{};
  if (!Base64UrlDecodeExact(token.substr(second_dot + 1), signature)) {
    return Failure(VerifyFailure::kMalformed, "signature is not base64url of 64 bytes");
  }
  if (crypto_sign_verify_detached(signature.data(),
                                  reinterpret_cast<const unsigned char*>(signing_input.data()),
                                  signing_input.size(), key->data()) != 0) {
    return Failure(VerifyFailure::kBadSignature, "signature does not match");
  }

  const auto payload = DecodeObject(token.substr(first_dot + 1, second_dot - first_dot - 1), storage);
  if (!payload) {
    return Failure(VerifyFailure::kMalformed, "payload is not base64url of a JSON object");
  }
  return ReadAndCheckClaims(*payload, expect);
}

}  // namespace bookstore::auth
