#pragma once
// Ed25519 signing keys (JWT_KEYS) and the public keys verifiers trust.
//
// JWT_KEYS format: one key per line, `<kid> <base64url of a 32-byte Ed25519 seed>`; blank lines and lines
// starting with # are ignored. The LAST key is the active signing key; earlier keys stay only so that
// tokens they signed keep verifying until they expire. To rotate: append a new line, deploy auth, and
// remove the old line once JWT_TTL has passed. Generate a line with GenerateKeyLine() or
// `printf 'k2 %s\n' "$(head -c32 /dev/urandom | basenc --base64url | tr -d '=')"`.

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::auth {

inline constexpr std::size_t kEd25519SeedBytes = 32;
inline constexpr std::size_t kEd25519PublicKeyBytes = 32;
inline constexpr std::size_t kEd25519SignatureBytes = 64;
inline constexpr std::size_t kMaxKidLength = 64;

using PublicKey = std::array<unsigned char, kEd25519PublicKeyBytes>;
using Signature = std::array<unsigned char, kEd25519SignatureBytes>;

// A kid is 1-64 characters of A-Z a-z 0-9 . _ - : safe in JSON, headers, logs and metric labels.
bool IsValidKid(std::string_view kid);

// kid → Ed25519 public key: the keys a verifier trusts. Cheap to copy (a handful of entries).
class PublicKeySet {
 public:
  // Throws std::invalid_argument for an invalid or duplicate kid.
  void Add(const std::string& kid, const PublicKey& key);
  // nullptr when the kid is unknown.
  [[nodiscard]] const PublicKey* Find(std::string_view kid) const;
  [[nodiscard]] std::size_t Size() const { return keys_.size(); }
  [[nodiscard]] bool Empty() const { return keys_.empty(); }
  [[nodiscard]] const std::map<std::string, PublicKey, std::less<>>& Entries() const { return keys_; }

  bool operator==(const PublicKeySet&) const = default;

 private:
  std::map<std::string, PublicKey, std::less<>> keys_;
};

// A malformed JWT_KEYS value. The message names the line but never repeats key material.
class KeyFileError : public std::runtime_error {
 public:
  KeyFileError(std::size_t line, const std::string& message);
  explicit KeyFileError(const std::string& message);
  // 1-based line of the problem, 0 when it concerns the whole file.
  [[nodiscard]] std::size_t Line() const { return line_; }

 private:
  std::size_t line_ = 0;
};

// The signing side (auth service). Secret keys are wiped from memory when the object is destroyed and
// never copied: the type is move-only and each secret stays at one heap address for its lifetime.
class SigningKeys {
 public:
  // Parses the JWT_KEYS format; throws KeyFileError.
  static SigningKeys Parse(std::string_view text);

  SigningKeys(SigningKeys&&) noexcept;
  SigningKeys& operator=(SigningKeys&&) noexcept;
  SigningKeys(const SigningKeys&) = delete;
  SigningKeys& operator=(const SigningKeys&) = delete;
  ~SigningKeys();

  [[nodiscard]] const std::string& ActiveKid() const;
  // Every key, the retired ones included: what auth publishes as its JWKS.
  [[nodiscard]] PublicKeySet PublicKeys() const;
  [[nodiscard]] std::vector<std::string> Kids() const;  // in file order, the active one last
  // Ed25519 signature of message with the active key.
  [[nodiscard]] Signature SignWithActiveKey(std::string_view message) const;

 private:
  struct SecretKey;
  struct Entry {
    std::string kid;
    PublicKey public_key{};
    std::unique_ptr<SecretKey> secret;
  };
  SigningKeys() = default;

  std::vector<Entry> keys_;
};

// A JWT_KEYS line `<kid> <seed>` with a fresh random seed (development set-up, tests, rotation tools).
// Throws std::invalid_argument for an invalid kid.
std::string GenerateKeyLine(std::string_view kid);

}  // namespace bookstore::auth
