// KeySource: auth's JWKS fetched over HTTP, refreshed at a bounded rate. The only Asio-heavy file of
// the library (timers, co_spawn, waiting for a shared fetch).

#include <algorithm>
#include <atomic>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "authn_internal.h"
#include "bookstore/auth/jwks.h"
#include "bookstore/authn/authn.h"
#include "bookstore/log/log.h"

namespace bookstore::authn {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
// Resumes one waiting coroutine on its own executor.
using Waiter = std::function<void()>;

struct KeySource::Impl {
  Options options;
  http::Client* client = nullptr;
  std::vector<http::Upstream> upstreams;
  bool fixed = false;

  mutable std::mutex mutex;
  std::shared_ptr<const auth::PublicKeySet> keys = std::make_shared<const auth::PublicKeySet>();
  std::atomic<std::uint64_t> version{0};
  std::atomic<bool> ready{false};
  bool started = false;

  // Fetch coordination, guarded by mutex: at most one fetch at a time; callers that need fresh keys
  // while one runs wait for it (waiters) instead of starting another.
  bool fetching = false;
  // Only fetches asked for by requests (unknown kids) are rate-limited: those are what a client with
  // made-up tokens controls. Start-up retries and the periodic refresh are paced by their own timers.
  bool refetched_before = false;
  Clock::time_point last_refetch{};
  std::vector<Waiter> waiters;

  std::atomic<std::uint64_t> fetches{0};
  std::atomic<std::uint64_t> failures{0};

  // Replaces the keys when they differ from the current ones.
  void Publish(auth::PublicKeySet fresh) {
    std::lock_guard lock(mutex);
    if (*keys != fresh || !ready.load()) {
      keys = std::make_shared<const auth::PublicKeySet>(std::move(fresh));
      version.fetch_add(1, std::memory_order_release);
    }
    ready.store(true, std::memory_order_release);
  }

  // Marks a fetch as running unless one already is, or (for a request's refetch) the last such refetch
  // started less than min_refetch_interval ago. True when the caller must run the fetch.
  bool TryBeginFetch(bool requested_by_request) {
    std::lock_guard lock(mutex);
    if (fetching) return false;
    if (requested_by_request) {
      auto now = Clock::now();
      if (refetched_before && now - last_refetch < options.min_refetch_interval) return false;
      refetched_before = true;
      last_refetch = now;
    }
    fetching = true;
    return true;
  }

  void EndFetch() {
    std::vector<Waiter> to_wake;
    {
      std::lock_guard lock(mutex);
      fetching = false;
      to_wake.swap(waiters);
    }
    // Each waiter resumes on its own executor (its coroutine's network thread).
    for (auto& waiter : to_wake) waiter();
  }

  // Completes when the running fetch (if any) has ended.
  auto WaitForFetch() {
    return asio::async_initiate<decltype(asio::use_awaitable), void()>(
        [this](auto handler) {
          auto executor = asio::get_associated_executor(handler);
          // std::function needs a copyable callable; the coroutine's handler is move-only.
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          Waiter wake = [executor, shared] { asio::post(executor, [shared] { std::move (*shared)(); }); };
          std::unique_lock lock(mutex);
          if (!fetching) {
            lock.unlock();
            wake();
            return;
          }
          waiters.push_back(std::move(wake));
        },
        asio::use_awaitable);
  }
};

namespace {

using ImplPtr = std::shared_ptr<KeySource::Impl>;

http::Awaitable<auth::PublicKeySet> FetchFrom(KeySource::Impl& impl, const http::Upstream& upstream) {
  http::Request request{http::Verb::get, "/.well-known/jwks.json", 11};
  request.set(http::Field::accept, "application/json");
  auto response = co_await impl.client->Send(upstream, std::move(request), impl.options.fetch_timeout);
  if (response.result() != http::Status::ok) {
    throw std::runtime_error("JWKS request answered " + std::to_string(response.result_int()));
  }
  auto parsed = auth::ParseJwks(response.body());
  for (const auto& skipped : parsed.skipped) {
    log::Warn("jwks entry skipped", {{"auth", upstream.Authority()}, {"reason", skipped}});
  }
  co_return std::move(parsed.keys);
}

// One fetch: tries every upstream in turn; publishes the first answer. Never throws.
http::Awaitable<bool> FetchOnce(ImplPtr impl) {
  impl->fetches.fetch_add(1);
  for (const auto& upstream : impl->upstreams) {
    try {
      auto keys = co_await FetchFrom(*impl, upstream);
      auto count = keys.Size();
      bool first = !impl->ready.load();
      impl->Publish(std::move(keys));
      if (first) {
        log::Info("jwks loaded", {{"auth", upstream.Authority()}, {"keys", count}});
      } else {
        log::Debug("jwks refreshed", {{"auth", upstream.Authority()}, {"keys", count}});
      }
      co_return true;
    } catch (const std::exception& error) {
      log::Warn("jwks fetch failed", {{"auth", upstream.Authority()}, {"error", error.what()}});
    }
  }
  impl->failures.fetch_add(1);
  co_return false;
}

// Runs a fetch that TryBeginFetch granted, then wakes whoever waits for it.
http::Awaitable<void> RunFetch(ImplPtr impl) {
  struct EndGuard {
    KeySource::Impl& impl;
    ~EndGuard() { impl.EndFetch(); }
  } guard{*impl};
  co_await FetchOnce(impl);
}

// Start-up: fetch until auth answers, backing off; then refresh periodically.
http::Awaitable<void> Background(ImplPtr impl) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto delay = impl->options.retry_initial;
  while (!impl->ready.load()) {
    if (impl->TryBeginFetch(false)) {
      co_await RunFetch(impl);
    } else {
      co_await impl->WaitForFetch();
    }
    if (impl->ready.load()) break;
    timer.expires_after(delay);
    co_await timer.async_wait(asio::use_awaitable);
    delay = std::min(delay * 2, impl->options.retry_max);
  }
  if (impl->options.refresh_interval.count() <= 0) co_return;
  for (;;) {
    timer.expires_after(impl->options.refresh_interval);
    co_await timer.async_wait(asio::use_awaitable);
    if (impl->TryBeginFetch(false)) {
      co_await RunFetch(impl);
    }
  }
}

}  // namespace

KeySource::KeySource(Options options, http::Client& client) : impl_(std::make_shared<Impl>()) {
  impl_->upstreams = detail::ParseUpstreams(options.auth_url);
  impl_->options = std::move(options);
  impl_->client = &client;
}

KeySource::KeySource(auth::PublicKeySet keys) : impl_(std::make_shared<Impl>()) {
  impl_->fixed = true;
  impl_->Publish(std::move(keys));
}

KeySource::~KeySource() = default;

void KeySource::Start(asio::io_context& io) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->fixed || impl_->started) return;
    impl_->started = true;
  }
  asio::co_spawn(io, Background(impl_), [](const std::exception_ptr& error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const boost::system::system_error& e) {
      if (e.code() != asio::error::operation_aborted) log::Error("jwks loop ended", {{"error", e.what()}});
    } catch (const std::exception& e) {
      log::Error("jwks loop ended", {{"error", e.what()}});
    }
  });
}

bool KeySource::Ready() const { return impl_->ready.load(std::memory_order_acquire); }

std::shared_ptr<const auth::PublicKeySet> KeySource::Keys() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->keys;
}

std::uint64_t KeySource::Version() const { return impl_->version.load(std::memory_order_acquire); }

http::Awaitable<void> KeySource::RefreshForUnknownKid() {
  auto impl = impl_;
  if (impl->fixed) co_return;
  if (impl->TryBeginFetch(true)) {
    // Detached, so that a request cancelled mid-fetch (client gone) does not cancel it for the others.
    asio::co_spawn(co_await asio::this_coro::executor, RunFetch(impl), asio::detached);
  }
  co_await impl->WaitForFetch();
}

KeySource::Stats KeySource::GetStats() const { return Stats{impl_->fetches.load(), impl_->failures.load()}; }

}  // namespace bookstore::authn
