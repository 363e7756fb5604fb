#pragma once
// What the gateway and the services use to check a bearer token: the trusted keys (from auth's JWKS),
// the expected issuer and audience, a VerifiedTokenCache and a RevocationSet, behind one call.
//
//   auto result = verifier.Verify(token, auth::NowSeconds());
//   if (!result && result.Failure() == VerifyFailure::kUnknownKid && verifier.ShouldRefetchKeys(now))
//     ... fetch AUTH_URL/.well-known/jwks.json, verifier.SetKeys(ParseJwks(body).keys), verify again ...
//
// Revocation is honoured here (kRevoked) on cache hits and misses alike, provided the caller feeds
// auth.token_revoked events into Revocations().

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "bookstore/auth/jwt.h"
#include "bookstore/auth/keys.h"
#include "bookstore/auth/revocation.h"
#include "bookstore/auth/token_cache.h"

namespace bookstore::auth {

struct TokenVerifierStats {
  TokenCacheStats cache;
  std::uint64_t signature_checks = 0;  // full verifications (cache misses that reached Verify)
};

class TokenVerifier {
 public:
  struct Options {
    std::string issuer;    // JWT_ISSUER
    std::string audience;  // JWT_AUDIENCE
    std::chrono::seconds leeway{30};
    VerifiedTokenCache::Options cache{};
    // ShouldRefetchKeys says yes at most once per interval, so tokens with made-up kids cannot turn
    // this process into a flood of JWKS requests against auth.
    std::chrono::seconds min_refetch_interval{30};
  };

  explicit TokenVerifier(Options options);

  // Replaces the trusted keys; cached results obtained with the previous keys are dropped.
  void SetKeys(PublicKeySet keys);
  [[nodiscard]] bool HasKeys() const;

  // Thread-safe. Never throws on bad input.
  VerifyResult Verify(std::string_view token, std::chrono::sys_seconds now);

  // True when the caller should fetch the JWKS now (after kUnknownKid, or with no keys yet); records
  // the attempt, so concurrent callers get true only once per min_refetch_interval.
  bool ShouldRefetchKeys(std::chrono::sys_seconds now);

  RevocationSet& Revocations() { return revocations_; }
  [[nodiscard]] TokenVerifierStats Stats() const;

 private:
  std::shared_ptr<const PublicKeySet> CurrentKeys() const;

  Options options_;
  mutable std::mutex keys_mutex_;
  std::shared_ptr<const PublicKeySet> keys_;
  VerifiedTokenCache cache_;
  RevocationSet revocations_;
  std::atomic<std::uint64_t> signature_checks_{0};
  std::atomic<std::int64_t> last_refetch_{std::numeric_limits<std::int64_t>::min()};
};

}  // namespace bookstore::auth
