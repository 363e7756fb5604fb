#pragma once
// Password hashing with argon2id (libsodium crypto_pwhash_str_alg), in the PHC string format
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" that carries its own parameters.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bookstore::auth {

// Longer passwords are refused rather than hashed: a megabyte "password" must not cost a megabyte of
// hashing per login attempt.
inline constexpr std::size_t kMaxPasswordBytes = 1024;

struct PasswordHashParams {
  // libsodium's units: opslimit is argon2's t_cost (passes over memory), memlimit is in BYTES (argon2's
  // m_cost is memlimit / 1024 KiB); parallelism is always 1. The defaults are OWASP's minimum for
  // argon2id: m=19 MiB, t=2, p=1 (about 19 ms per hash on this project's machines).
  std::uint64_t ops_limit = 2;
  std::size_t mem_limit_bytes = std::size_t{19} * 1024 * 1024;

  [[nodiscard]] bool MeetsOwaspMinimum() const;
  bool operator==(const PasswordHashParams&) const = default;
};

class PasswordHasher {
 public:
  // Throws std::invalid_argument when libsodium would refuse the parameters. Computes the dummy hash
  // used by VerifyDummy, so it costs one hash: build it once at start-up.
  explicit PasswordHasher(PasswordHashParams params = {});

  // Throws std::invalid_argument for a password over kMaxPasswordBytes, std::runtime_error when
  // libsodium fails (out of memory).
  [[nodiscard]] std::string Hash(std::string_view password) const;

  // False for a wrong password, an over-long password and a malformed or foreign hash string.
  [[nodiscard]] bool Verify(std::string_view password, std::string_view stored_hash) const;

  // For a login whose email matches no user: verifies against a dummy hash made with the same
  // parameters and returns false, so the answer takes as long as a wrong password for a real user and
  // does not reveal which emails are registered.
  [[nodiscard]] bool VerifyDummy(std::string_view password) const;

  // True when stored_hash was made with other parameters or another algorithm: after a successful
  // login, store Hash(password) in its place.
  [[nodiscard]] bool NeedsRehash(std::string_view stored_hash) const;

  [[nodiscard]] const PasswordHashParams& Params() const { return params_; }

 private:
  PasswordHashParams params_;
  std::string dummy_hash_;
};

}  // namespace bookstore::auth
