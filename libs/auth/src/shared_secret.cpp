#include "bookstore/auth/shared_secret.h"

#include <sodium.h>

#include <array>

#include "bookstore/auth/sodium.h"

namespace bookstore::auth {
namespace {

using Digest = std::array<unsigned char, crypto_generichash_BYTES>;

Digest Hash(std::string_view text) {
  Digest digest{};
  crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  return digest;
}

}  // namespace

bool SharedSecretMatches(std::string_view presented, std::string_view expected) {
  if (expected.empty()) return false;
  EnsureSodium();
  const auto a = Hash(presented);
  const auto b = Hash(expected);
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace bookstore::auth
