#pragma once
// A bounded, thread-safe cache of verified tokens, so a hot token costs a hash lookup instead of an
// Ed25519 verification (about 50 µs). Most callers want TokenVerifier, which wraps it.
//
// Only tokens that passed Verify belong here; an entry lives until min(exp, insertion + ttl). The cache
// knows nothing of revocation: check the jti against a RevocationSet on every request, hit or miss.
// It is split into shards, each with its own mutex and LRU list, so concurrent lookups from several
// network threads rarely wait for each other.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "bookstore/auth/claims.h"

namespace bookstore::auth {

struct TokenCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;  // dropped to stay within capacity (not counting expiry)
  std::size_t size = 0;
};

class VerifiedTokenCache {
 public:
  struct Options {
    std::size_t capacity = 10000;  // entries in all; each costs about the token's size plus 300 bytes
    std::chrono::seconds ttl{60};  // bounds how long a removed key's tokens keep passing via the cache
    std::size_t shards = 16;
  };

  VerifiedTokenCache();
  explicit VerifiedTokenCache(Options options);
  ~VerifiedTokenCache();
  VerifiedTokenCache(const VerifiedTokenCache&) = delete;
  VerifiedTokenCache& operator=(const VerifiedTokenCache&) = delete;

  // The claims stored for this exact token if its entry is still live at `now`.
  std::optional<Claims> Find(std::string_view token, std::chrono::sys_seconds now);

  // Read Generation() before verifying and pass it here: if Invalidate() ran in between (the keys
  // changed), the insert is dropped, so a result computed with old keys cannot outlive them.
  void Insert(std::string_view token, const Claims& claims, std::chrono::sys_seconds now,
              std::uint64_t generation);

  [[nodiscard]] std::uint64_t Generation() const;
  // Drops every entry and bumps the generation; call when the trusted keys change.
  void Invalidate();

  [[nodiscard]] TokenCacheStats Stats() const;

 private:
  class Shard;
  [[nodiscard]] Shard& ShardFor(std::string_view token);

  Options options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace bookstore::auth
