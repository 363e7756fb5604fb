#pragma once
// argon2id hashing and verification on a thread pool of their own: each costs ~20 ms of CPU and 19 MiB,
// which must never stall a network thread (other requests) or a database thread (the pool's
// connections). Bounded: beyond max_pending waiting jobs, new ones are refused with 503 + Retry-After,
// so a login flood queues neither memory nor minutes of work.

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "bookstore/auth/password.h"
#include "bookstore/http/message.h"

namespace bookstore::auth_service {

class PasswordWorkers {
 public:
  // threads 0: one per core.
  PasswordWorkers(auth::PasswordHashParams params, std::size_t threads, std::size_t max_pending);
  ~PasswordWorkers();
  PasswordWorkers(const PasswordWorkers&) = delete;
  PasswordWorkers& operator=(const PasswordWorkers&) = delete;

  http::Awaitable<std::string> Hash(std::string password);
  // Verifies against stored_hash, or against the dummy hash when there is no user (nullopt), so both
  // cost the same. Returns false in the second case.
  http::Awaitable<bool> Verify(std::string password, std::optional<std::string> stored_hash);

  // Blocking forms for start-up (bootstrap admin).
  [[nodiscard]] std::string HashNow(const std::string& password) const { return hasher_.Hash(password); }

  [[nodiscard]] bool NeedsRehash(const std::string& stored_hash) const {
    return hasher_.NeedsRehash(stored_hash);
  }
  [[nodiscard]] std::size_t Threads() const { return threads_; }

 private:
  struct Pool;
  // Throws http::Error 503 when max_pending jobs already wait.
  void Admit();

  auth::PasswordHasher hasher_;
  std::size_t threads_;
  std::size_t max_pending_;
  std::atomic<std::size_t> pending_{0};
  std::unique_ptr<Pool> pool_;
};

}  // namespace bookstore::auth_service
