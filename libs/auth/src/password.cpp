#include "bookstore/auth/password.h"

#include <sodium.h>

#include <array>
#include <cstring>
#include <stdexcept>

#include "bookstore/auth/base64url.h"
#include "bookstore/auth/sodium.h"

namespace bookstore::auth {
namespace {

// OWASP Password Storage Cheat Sheet, argon2id minimum: m=19 MiB, t=2, p=1.
constexpr std::uint64_t kOwaspMinPasses = 2;
constexpr std::size_t kOwaspMinMemoryBytes = std::size_t{19} * 1024 * 1024;

using HashBuffer = std::array<char, crypto_pwhash_STRBYTES>;

// libsodium wants the hash string NUL-terminated inside a crypto_pwhash_STRBYTES buffer.
std::optional<HashBuffer> ToHashBuffer(std::string_view stored_hash) {
  if (stored_hash.size() >= crypto_pwhash_STRBYTES || stored_hash.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  HashBuffer buffer{};
  std::memcpy(buffer.data(), stored_hash.data(), stored_hash.size());
  return buffer;
}

}  // namespace

bool PasswordHashParams::MeetsOwaspMinimum() const {
  return ops_limit >= kOwaspMinPasses && mem_limit_bytes >= kOwaspMinMemoryBytes;
}

PasswordHasher::PasswordHasher(PasswordHashParams params) : params_(params) {
  EnsureSodium();
  if (params_.ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      params_.ops_limit > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
    throw std::invalid_argument("argon2id ops limit out of range");
  }
  if (params_.mem_limit_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      params_.mem_limit_bytes > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    throw std::invalid_argument("argon2id memory limit out of range");
  }
  // A random password nobody knows: VerifyDummy can never succeed, yet costs a real verification.
  std::array<unsigned char, 32> secret{};
  randombytes_buf(secret.data(), secret.size());
  dummy_hash_ = Hash(Base64UrlEncode(secret));
  sodium_memzero(secret.data(), secret.size());
}

std::string PasswordHasher::Hash(std::string_view password) const {
  if (password.size() > kMaxPasswordBytes) {
    throw std::invalid_argument("password too long");
  }
  HashBuffer out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), params_.ops_limit,
                            params_.mem_limit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory?)");
  }
  return {out.data()};
}

bool PasswordHasher::Verify(std::string_view password, std::string_view stored_hash) const {
  if (password.size() > kMaxPasswordBytes) {
    return false;
  }
  const auto buffer = ToHashBuffer(stored_hash);
  if (!buffer) {
    return false;
  }
  return crypto_pwhash_str_verify(buffer->data(), password.data(), password.size()) == 0;
}

bool PasswordHasher::VerifyDummy(std::string_view password) const {
  // The result is discarded on purpose: only the time spent matters.
  [[maybe_unused]] const bool matched = Verify(password, dummy_hash_);
  return false;
}

bool PasswordHasher::NeedsRehash(std::string_view stored_hash) const {
  const auto buffer = ToHashBuffer(stored_hash);
  if (!buffer) {
    return true;
  }
  // 1 = other parameters, -1 = not an argon2id string (argon2i, garbage): both call for a new hash.
  return crypto_pwhash_argon2id_str_needs_rehash(buffer->data(), params_.ops_limit,
                                                 params_.mem_limit_bytes) != 0;
}

}  // namespace bookstore::auth
