#pragma once
// Revoked token ids (jti → exp), filled from auth.token_revoked events and checked on every request by
// the gateway and by any service that verifies tokens itself. An entry is useless once its token has
// expired, so entries are dropped after exp; the set therefore holds at most the tokens revoked within
// one JWT_TTL. Thread-safe and sharded; an empty set costs one atomic load per check.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::auth {

class RevocationSet {
 public:
  RevocationSet();
  ~RevocationSet();
  RevocationSet(const RevocationSet&) = delete;
  RevocationSet& operator=(const RevocationSet&) = delete;

  // Ignored when expires_at is not after now: such a token is refused as expired anyway.
  void Revoke(std::string_view token_id, std::chrono::sys_seconds expires_at, std::chrono::sys_seconds now);
  [[nodiscard]] bool IsRevoked(std::string_view token_id) const;
  // Expired entries are also dropped as the set grows; call this from a timer to free memory sooner.
  void DropExpired(std::chrono::sys_seconds now);
  [[nodiscard]] std::size_t Size() const;

 private:
  class Shard;
  [[nodiscard]] Shard& ShardFor(std::string_view token_id) const;

  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::size_t> size_{0};
};

}  // namespace bookstore::auth
