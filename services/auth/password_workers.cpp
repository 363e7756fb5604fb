#include "password_workers.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>

#include "bookstore/config/cpus.h"
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
  return static_cast<std::size_t>(config::UsableCpus());  // hashing is CPU-bound: more would take turns
}

// Runs fn on `pool` and resumes the awaiting coroutine on its own executor: the outcome goes back
// through the coroutine's completion handler, dispatched on the handler's associated executor. The
// coroutine frame (and `fn`) stays alive while suspended, so the pointer to fn is safe. `pending` counts
// the job until it finished.
template <typename Fn>
http::Awaitable<std::invoke_result_t<Fn>> RunOn(asio::thread_pool& pool, std::atomic<std::size_t>& pending,
                                                Fn fn) {
  using R = std::invoke_result_t<Fn>;
  auto initiate = [&pool, &pending](auto handler, Fn* work) {
    auto caller =
        asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
    asio::post(pool, [work, caller, &pending, handler = std::move(handler)]() mutable {
      std::exception_ptr error;
      std::optional<R> result;
      try {
        result.emplace((*work)());
      } catch (...) {
        error = std::current_exception();
      }
      pending.fetch_sub(1);
      asio::dispatch(caller, [error, result = std::move(result), handler = std::move(handler)]() mutable {
        std::move(handler)(error, std::move(result));
      });
    });
  };
  std::optional<R> result = co_await asio::async_initiate<const asio::use_awaitable_t<>&,
                                                          void(std::exception_ptr, std::optional<R>)>(
      std::move(initiate), asio::use_awaitable, &fn);
  co_return std::move(*result);
}

}  // namespace

PasswordWorkers::PasswordWorkers(auth::PasswordHashParams params, std::size_t threads,
                                 std::size_t max_pending)
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

// The jobs are named locals capturing by reference, so RunOn copies only a pointer-sized closure: g++ 12
// mis-copies a closure holding a std::string when it is passed by value into a coroutine frame (the
// string's small-buffer pointer kept pointing at the caller's frame: heap corruption).
http::Awaitable<std::string> PasswordWorkers::Hash(std::string password) {
  Admit();
  auto job = [this, &password] { return hasher_.Hash(password); };
  co_return co_await RunOn(pool_->threads, pending_, job);
}

http::Awaitable<bool> PasswordWorkers::Verify(std::string password, std::optional<std::string> stored_hash) {
  Admit();
  auto job = [this, &password, &stored_hash] {
    return stored_hash ? hasher_.Verify(password, *stored_hash) : hasher_.VerifyDummy(password);
  };
  co_return co_await RunOn(pool_->threads, pending_, job);
}

}  // namespace bookstore::auth_service
