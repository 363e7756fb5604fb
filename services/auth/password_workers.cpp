#include "password_workers.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "bookstore/http/error.h"

namespace bookstore::auth_service {

namespace asio = boost::asio;

struct PasswordWorkers::Pool {
  explicit Pool(std::size_t count) : threads(count) {}
  asio::thread_pool threads;
};

namespace {

std::size_t ThreadCount(std::size_t requested) {
  if (requested > 0) return requested;
  auto cores = std::thread::hardware_concurrency();
  return cores > 0 ? cores : 1;
}

// Runs fn on `pool` and resumes the awaiting coroutine on its own executor (co_spawn completes through
// the awaiting handler's executor). Keeps `pending` counting the job until it finished.
template <typename Fn>
http::Awaitable<std::invoke_result_t<Fn>> RunOn(asio::thread_pool& pool, std::atomic<std::size_t>& pending, Fn fn) {
  struct Release {
    std::atomic<std::size_t>& pending;
    ~Release() { pending.fetch_sub(1); }
  };
  co_return co_await asio::co_spawn(
      pool.get_executor(),
      [fn = std::move(fn), &pending]() -> asio::awaitable<std::invoke_result_t<Fn>> {
        Release release{pending};
        co_return fn();
      },
      asio::use_awaitable);
}

}  // namespace

PasswordWorkers::PasswordWorkers(auth::PasswordHashParams params, std::size_t threads, std::size_t max_pending)
    : hasher_(params),
      threads_(ThreadCount(threads)),
      max_pending_(max_pending),
      pool_(std::make_unique<Pool>(threads_)) {}

PasswordWorkers::~PasswordWorkers() { pool_->threads.join(); }

void PasswordWorkers::Admit() {
  if (pending_.fetch_add(1) >= max_pending_) {
    pending_.fetch_sub(1);
    throw http::ServiceUnavailable("too many password checks in progress, try again shortly")
        .WithHeader("Retry-After", "1");
  }
}

http::Awaitable<std::string> PasswordWorkers::Hash(std::string password) {
  Admit();
  co_return co_await RunOn(pool_->threads, pending_, [this, password = std::move(password)] {
    return hasher_.Hash(password);
  });
}

http::Awaitable<bool> PasswordWorkers::Verify(std::string password, std::optional<std::string> stored_hash) {
  Admit();
  co_return co_await RunOn(pool_->threads, pending_,
                           [this, password = std::move(password), stored_hash = std::move(stored_hash)] {
                             return stored_hash ? hasher_.Verify(password, *stored_hash)
                                                : hasher_.VerifyDummy(password);
                           });
}

}  // namespace bookstore::auth_service
