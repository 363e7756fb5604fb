#include "bookstore/auth/token_verifier.h"

namespace bookstore::auth {

TokenVerifier::TokenVerifier(Options options)
    : options_(std::move(options)), keys_(std::make_shared<const PublicKeySet>()), cache_(options_.cache) {}

void TokenVerifier::SetKeys(PublicKeySet keys) {
  auto fresh = std::make_shared<const PublicKeySet>(std::move(keys));
  {
    const std::lock_guard lock(keys_mutex_);
    keys_ = std::move(fresh);
  }
  // After the swap: a verification that still used the old keys carries the old generation and its
  // insert is dropped.
  cache_.Invalidate();
}

bool TokenVerifier::HasKeys() const { return !CurrentKeys()->Empty(); }

std::shared_ptr<const PublicKeySet> TokenVerifier::CurrentKeys() const {
  const std::lock_guard lock(keys_mutex_);
  return keys_;
}

VerifyResult TokenVerifier::Verify(std::string_view token, std::chrono::sys_seconds now) {
  if (auto cached = cache_.Find(token, now)) {
    if (revocations_.IsRevoked(cached->token_id)) {
      return VerifyError{VerifyFailure::kRevoked, "token was revoked"};
    }
    return std::move(*cached);
  }
  // The generation is read before the keys, so keys replaced meanwhile invalidate this result.
  const std::uint64_t generation = cache_.Generation();
  const auto keys = CurrentKeys();
  signature_checks_.fetch_add(1, std::memory_order_relaxed);
  VerifyResult result = auth::Verify(
      token, *keys,
      Expectations{
          .issuer = options_.issuer, .audience = options_.audience, .now = now, .leeway = options_.leeway});
  if (!result) {
    return result;
  }
  cache_.Insert(token, result.Value(), now, generation);
  if (revocations_.IsRevoked(result.Value().token_id)) {
    return VerifyError{VerifyFailure::kRevoked, "token was revoked"};
  }
  return result;
}

bool TokenVerifier::ShouldRefetchKeys(std::chrono::sys_seconds now) {
  const std::int64_t now_s = now.time_since_epoch().count();
  std::int64_t last = last_refetch_.load();
  const std::int64_t interval = options_.min_refetch_interval.count();
  while (last == std::numeric_limits<std::int64_t>::min() || now_s - last >= interval) {
    if (last_refetch_.compare_exchange_weak(last, now_s)) {
      return true;
    }
  }
  return false;
}

TokenVerifierStats TokenVerifier::Stats() const {
  return TokenVerifierStats{.cache = cache_.Stats(), .signature_checks = signature_checks_.load()};
}

}  // namespace bookstore::auth
