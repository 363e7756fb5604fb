#include "bookstore/auth/keys.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "bookstore/auth/base64url.h"
#include "bookstore/auth/sodium.h"

namespace bookstore::auth {

static_assert(kEd25519SeedBytes == crypto_sign_SEEDBYTES);
static_assert(kEd25519PublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
static_assert(kEd25519SignatureBytes == crypto_sign_BYTES);

namespace {

using Seed = std::array<unsigned char, kEd25519SeedBytes>;

// Wipes a stack copy of key material however the scope is left.
template <typename Bytes>
class WipeOnExit {
 public:
  explicit WipeOnExit(Bytes& bytes) : bytes_(bytes) {}
  ~WipeOnExit() { sodium_memzero(bytes_.data(), bytes_.size()); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  Bytes& bytes_;
};

bool IsKidChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

std::string_view TrimBlanks(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < line.size()) {
    const auto start = line.find_first_not_of(" \t", pos);
    if (start == std::string_view::npos) {
      break;
    }
    const auto end = std::min(line.find_first_of(" \t", start), line.size());
    fields.push_back(line.substr(start, end - start));
    pos = end;
  }
  return fields;
}

std::string SeedProblem(std::string_view seed_text) {
  if (seed_text.find_first_of("+/=") != std::string_view::npos) {
    return "is standard base64; use base64url (- and _ instead of + and /, no = padding)";
  }
  return "is not the base64url encoding of 32 bytes (43 characters)";
}

}  // namespace

bool IsValidKid(std::string_view kid) {
  return !kid.empty() && kid.size() <= kMaxKidLength && std::all_of(kid.begin(), kid.end(), IsKidChar);
}

void PublicKeySet::Add(const std::string& kid, const PublicKey& key) {
  if (!IsValidKid(kid)) {
    throw std::invalid_argument("invalid kid");
  }
  if (!keys_.emplace(kid, key).second) {
    throw std::invalid_argument("duplicate kid " + kid);
  }
}

const PublicKey* PublicKeySet::Find(std::string_view kid) const {
  const auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

KeyFileError::KeyFileError(std::size_t line, const std::string& message)
    : std::runtime_error("JWT_KEYS line " + std::to_string(line) + ": " + message), line_(line) {}

KeyFileError::KeyFileError(const std::string& message) : std::runtime_error("JWT_KEYS: " + message) {}

struct SigningKeys::SecretKey {
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> bytes{};

  SecretKey() = default;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey() { sodium_memzero(bytes.data(), bytes.size()); }
};

SigningKeys::SigningKeys(SigningKeys&&) noexcept = default;
SigningKeys& SigningKeys::operator=(SigningKeys&&) noexcept = default;
SigningKeys::~SigningKeys() = default;

SigningKeys SigningKeys::Parse(std::string_view text) {
  EnsureSodium();
  SigningKeys result;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto newline = text.find('\n');
    const auto line = TrimBlanks(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }

    const auto fields = SplitFields(line);
    if (fields.size() != 2) {
      throw KeyFileError(line_number, "expected `<kid> <base64url 32-byte Ed25519 seed>`, found " +
                                          std::to_string(fields.size()) + " field(s)");
    }
    const std::string kid(fields[0]);
    if (!IsValidKid(kid)) {
      throw KeyFileError(line_number, "invalid kid (use 1-64 characters of A-Z a-z 0-9 . _ -)");
    }
    const bool duplicate =
        std::any_of(result.keys_.begin(), result.keys_.end(), [&](const Entry& e) { return e.kid == kid; });
    if (duplicate) {
      throw KeyFileError(line_number, "duplicate kid " + kid);
    }

    Seed seed{};
    const WipeOnExit wipe_seed(seed);
    if (!Base64UrlDecodeExact(fields[1], seed)) {
      throw KeyFileError(line_number, "the key of kid " + kid + " " + SeedProblem(fields[1]));
    }
    Entry entry{kid, {}, std::make_unique<SecretKey>()};
    crypto_sign_seed_keypair(entry.public_key.data(), entry.secret->bytes.data(), seed.data());
    result.keys_.push_back(std::move(entry));
  }
  if (result.keys_.empty()) {
    throw KeyFileError("no keys; expected lines `<kid> <base64url 32-byte seed>`");
  }
  return result;
}

const std::string& SigningKeys::ActiveKid() const { return keys_.back().kid; }

PublicKeySet SigningKeys::PublicKeys() const {
  PublicKeySet set;
  for (const auto& key : keys_) {
    set.Add(key.kid, key.public_key);
  }
  return set;
}

std::vector<std::string> SigningKeys::Kids() const {
  std::vector<std::string> kids;
  kids.reserve(keys_.size());
  for (const auto& key : keys_) {
    kids.push_back(key.kid);
  }
  return kids;
}

Signature SigningKeys::SignWithActiveKey(std::string_view message) const {
  Signature signature{};
  crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), keys_.back().secret->bytes.data());
  return signature;
}

std::string GenerateKeyLine(std::string_view kid) {
  if (!IsValidKid(kid)) {
    throw std::invalid_argument("invalid kid");
  }
  EnsureSodium();
  Seed seed{};
  const WipeOnExit wipe_seed(seed);
  randombytes_buf(seed.data(), seed.size());
  return std::string(kid) + " " + Base64UrlEncode(seed);
}

}  // namespace bookstore::auth
