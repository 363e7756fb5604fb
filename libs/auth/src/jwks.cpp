#include "bookstore/auth/jwks.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "bookstore/auth/base64url.h"

namespace bookstore::auth {
namespace {

namespace json = boost::json;

bool MemberIs(const json::object& entry, std::string_view name, std::string_view expected) {
  const auto* value = entry.if_contains(name);
  return value != nullptr && value->is_string() && std::string_view{value->get_string()} == expected;
}

// Why an entry cannot be used, or "" when it can (the key is then in `key`).
std::string EntryProblem(const json::object& entry, std::string& kid, PublicKey& key) {
  if (!MemberIs(entry, "kty", "OKP") || !MemberIs(entry, "crv", "Ed25519")) {
    return "not an OKP Ed25519 key";
  }
  // alg and use are optional in a JWK; when present they must allow EdDSA signatures.
  if (entry.contains("alg") && !MemberIs(entry, "alg", "EdDSA")) {
    return "alg is not EdDSA";
  }
  if (entry.contains("use") && !MemberIs(entry, "use", "sig")) {
    return "use is not sig";
  }
  if (entry.contains("d")) {
    return "holds a private key";
  }
  const auto* kid_value = entry.if_contains("kid");
  if (kid_value == nullptr || !kid_value->is_string() ||
      !IsValidKid(std::string_view{kid_value->get_string()})) {
    return "has no valid kid";
  }
  kid = std::string_view{kid_value->get_string()};
  const auto* x = entry.if_contains("x");
  if (x == nullptr || !x->is_string() || !Base64UrlDecodeExact(std::string_view{x->get_string()}, key)) {
    return "x is not base64url of 32 bytes";
  }
  return {};
}

}  // namespace

std::string BuildJwks(const PublicKeySet& keys) {
  json::array entries;
  for (const auto& [kid, key] : keys.Entries()) {
    entries.push_back(json::object{{"kty", "OKP"},
                                   {"crv", "Ed25519"},
                                   {"x", Base64UrlEncode(key)},
                                   {"kid", kid},
                                   {"alg", "EdDSA"},
                                   {"use", "sig"}});
  }
  return json::serialize(json::object{{"keys", std::move(entries)}});
}

std::string BuildJwks(const SigningKeys& keys) { return BuildJwks(keys.PublicKeys()); }

ParsedJwks ParseJwks(std::string_view document) {
  if (document.size() > kMaxJwksBytes) {
    throw JwksError("JWKS document is larger than 64 KiB");
  }
  json::error_code ec;
  const json::value root = json::parse(document, ec);
  if (ec) {
    throw JwksError("JWKS document is not JSON: " + ec.message());
  }
  const auto* keys = root.is_object() ? root.get_object().if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    throw JwksError("JWKS document has no \"keys\" array");
  }
  if (keys->get_array().size() > kMaxJwksKeys) {
    throw JwksError("JWKS document has too many keys");
  }

  ParsedJwks result;
  std::size_t index = 0;
  for (const auto& item : keys->get_array()) {
    std::string note = "keys[" + std::to_string(index++) + "]: ";
    if (!item.is_object()) {
      result.skipped.push_back(note.append("not an object"));
      continue;
    }
    std::string kid;
    PublicKey key{};
    if (auto problem = EntryProblem(item.get_object(), kid, key); !problem.empty()) {
      result.skipped.push_back(note.append(problem));
      continue;
    }
    // Two keys under one kid would make the choice of key ambiguous: distrust the whole document.
    if (result.keys.Find(kid) != nullptr) {
      throw JwksError("JWKS document has kid " + kid + " twice");
    }
    result.keys.Add(kid, key);
  }
  if (result.keys.Empty()) {
    throw JwksError("JWKS document has no usable Ed25519 key");
  }
  return result;
}

}  // namespace bookstore::auth
