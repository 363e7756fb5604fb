#pragma once
// Template definitions for db.h; include db.h, not this file.

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <limits>
#include <utility>

#include "bookstore/db/db.h"

namespace bookstore::db {

namespace detail {

template <typename T>
inline constexpr bool kIsOptional = false;
template <typename T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

[[noreturn]] void ThrowUnsignedOutOfRange(std::uint64_t value);

// Logs the retry and waits a short, jittered moment so the competing transaction can finish.
void BackOffBeforeRetry(const Error& error, int attempt);

inline constexpr int kTransactionAttempts = 3;

}  // namespace detail

template <typename T>
Param ToParam(T&& value) {
  using V = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<V, Param> || std::is_same_v<V, Decimal> || std::is_same_v<V, std::string>) {
    return std::forward<T>(value);
  } else if constexpr (std::is_same_v<V, std::nullptr_t>) {
    return nullptr;
  } else if constexpr (std::is_same_v<V, bool>) {
    return std::int64_t{value ? 1 : 0};
  } else if constexpr (std::is_integral_v<V> && std::is_signed_v<V>) {
    return static_cast<std::int64_t>(value);
  } else if constexpr (std::is_integral_v<V> && std::is_unsigned_v<V>) {
    if (static_cast<std::uint64_t>(value) >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      detail::ThrowUnsignedOutOfRange(value);
    }
    return static_cast<std::int64_t>(value);
  } else if constexpr (std::is_floating_point_v<V>) {
    return static_cast<double>(value);
  } else if constexpr (std::is_same_v<V, std::string_view> ||
                       (std::is_array_v<V> &&
                        std::is_same_v<std::remove_cv_t<std::remove_extent_t<V>>, char>)) {
    return std::string(value);  // a view or a string literal
  } else if constexpr (std::is_same_v<V, const char*> || std::is_same_v<V, char*>) {
    if (value == nullptr) {
      return nullptr;
    }
    return std::string(value);
  } else if constexpr (detail::kIsOptional<V>) {
    if (!value.has_value()) {
      return nullptr;
    }
    return ToParam(*std::forward<T>(value));
  } else {
    static_assert(sizeof(V) == 0, "no conversion of this type to db::Param");
  }
}

// RAII borrow of one connection; returns it to the pool (or discards it when broken) on scope exit.
class Pool::Lease {
 public:
  explicit Lease(Pool& pool) : pool_(pool), connection_(pool.Acquire()) {}
  ~Lease() { pool_.Release(std::move(connection_)); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Connection& Get() { return *connection_; }

 private:
  Pool& pool_;
  std::unique_ptr<Connection> connection_;
};

template <typename Fn>
auto Pool::WithConnection(Fn&& fn) -> std::invoke_result_t<Fn, Connection&> {
  Lease lease(*this);
  return std::forward<Fn>(fn)(lease.Get());
}

template <typename Fn>
auto Pool::WithTransaction(Fn&& fn) -> std::invoke_result_t<Fn, Connection&> {
  using R = std::invoke_result_t<Fn, Connection&>;
  for (int attempt = 1;; ++attempt) {
    try {
      Lease lease(*this);
      Connection& c = lease.Get();
      Transaction tx(c);
      if constexpr (std::is_void_v<R>) {
        fn(c);
        tx.Commit();
        return;
      } else {
        R result = fn(c);
        tx.Commit();
        return result;
      }
    } catch (const Error& e) {
      if (!e.IsRetryable() || attempt >= detail::kTransactionAttempts) {
        throw;
      }
      detail::BackOffBeforeRetry(e, attempt);
    }
  }
}

template <typename Work>
boost::asio::awaitable<std::invoke_result_t<Work>> Pool::Offload(Work work) {
  namespace asio = boost::asio;
  using R = std::invoke_result_t<Work>;
  // The work runs on threads_; its outcome is handed back through the coroutine's completion handler,
  // which is dispatched on the handler's associated executor, i.e. the caller's. The coroutine frame
  // (and `work`) stays alive while suspended, so the pointer below is safe.
  auto initiate = [this](auto handler, Work* w) {
    auto caller =
        asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
    asio::post(threads_, [w, caller, handler = std::move(handler)]() mutable {
      std::exception_ptr error;
      if constexpr (std::is_void_v<R>) {
        try {
          (*w)();
        } catch (...) {
          error = std::current_exception();
        }
        asio::dispatch(caller,
                       [error, handler = std::move(handler)]() mutable { std::move(handler)(error); });
      } else {
        std::optional<R> result;
        try {
          result.emplace((*w)());
        } catch (...) {
          error = std::current_exception();
        }
        asio::dispatch(caller, [error, result = std::move(result), handler = std::move(handler)]() mutable {
          std::move(handler)(error, std::move(result));
        });
      }
    });
  };
  if constexpr (std::is_void_v<R>) {
    co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr)>(
        std::move(initiate), asio::use_awaitable, &work);
  } else {
    std::optional<R> result = co_await asio::async_initiate<const asio::use_awaitable_t<>&,
                                                            void(std::exception_ptr, std::optional<R>)>(
        std::move(initiate), asio::use_awaitable, &work);
    co_return std::move(*result);
  }
}

template <typename Fn>
boost::asio::awaitable<std::invoke_result_t<Fn, Connection&>> Pool::Run(Fn fn) {
  co_return co_await Offload(
      [this, &fn]() -> std::invoke_result_t<Fn, Connection&> { return WithConnection(fn); });
}

template <typename Fn>
boost::asio::awaitable<std::invoke_result_t<Fn, Connection&>> Pool::Transact(Fn fn) {
  co_return co_await Offload(
      [this, &fn]() -> std::invoke_result_t<Fn, Connection&> { return WithTransaction(fn); });
}

}  // namespace bookstore::db
