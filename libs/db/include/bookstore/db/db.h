#pragma once
// MariaDB access for every service: a pool of connections, prepared statements only, transactions,
// reconnection after a server restart, and blocking calls kept off the network threads.
//
// Usage from a coroutine on a network thread:
//   auto book = co_await pool.Run([&](db::Connection& c) {
//     auto rows = c.Query("SELECT id, title, price FROM books WHERE id = ?", {id});
//     ...
//   });
//   co_await pool.Transact([&](db::Connection& c) { c.Execute(...); outbox::Add(c, event); });
// Run/Transact hop onto the pool's own threads for the blocking Connector/C calls and hop back.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

typedef struct st_mysql MYSQL;  // NOLINT(modernize-use-using): matches <mysql.h>

namespace bookstore::db {

// An exact decimal, bound as MYSQL_TYPE_NEWDECIMAL from its text ("12.50").
struct Decimal {
  std::string text;
};

// A statement parameter: NULL, integer, double, text/blob, or exact decimal.
using Param = std::variant<std::nullptr_t, std::int64_t, double, std::string, Decimal>;

// Converts common C++ types into Param: integers (an unsigned value above INT64_MAX throws db::Error),
// bool (0/1), float/double, const char*/std::string/std::string_view (text or bytes), Decimal, nullptr,
// std::optional<T> (nullopt is NULL) and Param itself.
template <typename T>
Param ToParam(T&& value);

class ParamList;
namespace detail {
template <typename... T>
inline constexpr bool kIsCopyOfParamList = false;
template <typename T>
inline constexpr bool kIsCopyOfParamList<T> = std::is_same_v<std::remove_cvref_t<T>, ParamList>;
}  // namespace detail

// The `?` parameters of one statement, in order: c.Query("... WHERE id = ? AND state = ?", {id, "open"}).
class ParamList {
 public:
  ParamList() = default;
  template <typename... T>
  requires(!detail::kIsCopyOfParamList<T...>)
      ParamList(T&&... values) {  // NOLINT(google-explicit-constructor): braced lists at call sites
    params_.reserve(sizeof...(T));
    (params_.push_back(ToParam(std::forward<T>(values))), ...);
  }
  void Add(Param p) { params_.push_back(std::move(p)); }
  [[nodiscard]] const std::vector<Param>& Get() const { return params_; }

 private:
  std::vector<Param> params_;
};

// "?, ?, ?" for `count` values, or with the shape of one row, "(?, ?), (?, ?)": the lists of IN (...) and
// of a multi-row VALUES. The statement's text then depends on the count alone (one prepared statement per
// count on each connection).
std::string Placeholders(std::size_t count, std::string_view each = "?");

// "CASE <key> WHEN ? THEN ? ... END", adding each (key value, value) to `params`: the SET of an UPDATE
// that gives every row of a batch its own value in one statement (... WHERE <key> IN (...)).
std::string CaseWhen(std::string_view key, const std::vector<std::pair<Param, Param>>& values,
                     ParamList& params);

// The values of `values`, in order, as parameters: those of an IN (Placeholders(values.size())) list.
template <typename Range>
ParamList ParamsOf(const Range& values) {
  ParamList params;
  for (const auto& value : values) {
    params.Add(ToParam(value));
  }
  return params;
}

// One row of a result; columns are read by position as text (NULL is nullopt) and converted on demand.
// Values come back as MariaDB prints them: DECIMAL exact ("12.50"), DATETIME "2024-01-31 12:00:00",
// BLOB/VARBINARY as raw bytes.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cols) : cols_(std::move(cols)) {}
  [[nodiscard]] std::size_t Size() const { return cols_.size(); }
  [[nodiscard]] bool IsNull(std::size_t i) const { return !cols_.at(i).has_value(); }
  [[nodiscard]] const std::optional<std::string>& Raw(std::size_t i) const { return cols_.at(i); }
  // Throws db::Error when NULL or not convertible (Int/Double need the whole text to be a number).
  [[nodiscard]] std::string String(std::size_t i) const;
  [[nodiscard]] std::int64_t Int(std::size_t i) const;
  [[nodiscard]] double Double(std::size_t i) const;
  [[nodiscard]] bool Bool(std::size_t i) const { return Int(i) != 0; }
  [[nodiscard]] std::optional<std::string> OptString(std::size_t i) const { return cols_.at(i); }
  [[nodiscard]] std::optional<std::int64_t> OptInt(std::size_t i) const;

 private:
  std::vector<std::optional<std::string>> cols_;
};

struct ExecResult {
  std::uint64_t affected_rows = 0;
  std::uint64_t insert_id = 0;
};

// Any database failure. `code` is the MariaDB error number (e.g. 1062 duplicate key, 1213 deadlock,
// 1205 lock wait timeout, 2006/2013 connection lost); 0 when not from the server.
class Error : public std::runtime_error {
 public:
  Error(unsigned code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] unsigned Code() const { return code_; }
  [[nodiscard]] bool IsDuplicateKey() const { return code_ == 1062; }
  [[nodiscard]] bool IsRetryable() const { return code_ == 1213 || code_ == 1205; }  // deadlock, lock wait
  // The connection is gone (server restarted, connection killed, network failure, timeout).
  [[nodiscard]] bool IsConnectionLost() const;

 private:
  unsigned code_;
};

struct Options {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;
  int pool_size = 8;  // connections, and threads running blocking calls
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds io_timeout{10000};  // read/write timeout of one call
  // How long a blocking borrow waits for a free connection when all pool_size are in use.
  std::chrono::milliseconds acquire_timeout{30000};
};

// One connection with a cache of prepared statements keyed by SQL text. Not thread-safe; borrowed
// from the pool for the duration of one Run/Transact.
class Connection {
 public:
  explicit Connection(const Options& options);  // connects; throws db::Error
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Prepared statement returning rows.
  std::vector<Row> Query(std::string_view sql, const ParamList& params = {});
  // First row or nullopt.
  std::optional<Row> QueryOne(std::string_view sql, const ParamList& params = {});
  // Prepared statement without a result set.
  ExecResult Execute(std::string_view sql, const ParamList& params = {});

  void Begin();
  void Commit();
  void Rollback() noexcept;
  [[nodiscard]] bool InTransaction() const { return in_transaction_; }
  // Runs `fn` right after the open transaction commits, on the committing thread (e.g. to wake a
  // request waiting for what the transaction wrote: it then reads it without waiting for locks); drops
  // it if the transaction rolls back. `fn` must not throw. Throws db::Error outside a transaction.
  void AfterCommit(std::function<void()> fn);

  // True when the server answers; used for readiness and after errors.
  bool Ping() noexcept;
  // Without a round trip: false when the server has closed the socket (killed connection, restart).
  bool LooksConnected() noexcept;
  // Set after an error that leaves the connection unusable; the pool then discards it.
  [[nodiscard]] bool Broken() const { return broken_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::function<void()>> after_commit_;
  bool in_transaction_ = false;
  bool broken_ = false;
};

// RAII transaction: rolls back unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.Begin(); }
  ~Transaction() {
    if (!done_) {
      c_.Rollback();
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit() {
    c_.Commit();
    done_ = true;
  }

 private:
  Connection& c_;
  bool done_ = false;
};

// What /metrics shows of a pool (libs/service/metrics.h). Counters only grow.
struct PoolStats {
  int size = 0;                // pool_size: the most connections it opens
  int open = 0;                // open now (idle, lent out or being opened)
  int idle = 0;                // open and waiting to be borrowed
  std::uint64_t acquires = 0;  // borrows granted
  std::uint64_t waits = 0;     // of which found every connection lent out and waited for one
  double wait_seconds = 0;     // time spent in those waits (granted or not)
  std::uint64_t timeouts = 0;  // borrows that gave up after acquire_timeout
};

class Pool {
 public:
  explicit Pool(Options options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Borrows a connection (opening a new one when needed) and calls fn on the calling thread. Blocking:
  // use from the pool's threads, background workers or tests, never from a network thread. A
  // connection that broke during fn is discarded; the next borrow opens a fresh one.
  template <typename Fn>
  auto WithConnection(Fn&& fn) -> std::invoke_result_t<Fn, Connection&>;

  // Same, inside a transaction that commits when fn returns and rolls back when it throws. A deadlock
  // or lock-wait timeout reruns fn (up to 3 attempts), so fn must have no effects outside the database.
  template <typename Fn>
  auto WithTransaction(Fn&& fn) -> std::invoke_result_t<Fn, Connection&>;

  // Awaitable forms for coroutines: run on the pool's threads, resume on the caller's executor (also
  // when fn throws: the exception is rethrown there). fn may capture the caller's locals by reference.
  template <typename Fn>
  boost::asio::awaitable<std::invoke_result_t<Fn, Connection&>> Run(Fn fn);
  template <typename Fn>
  boost::asio::awaitable<std::invoke_result_t<Fn, Connection&>> Transact(Fn fn);

  // For /readyz: true when a connection can be borrowed and pinged. Blocking (use Run from coroutines).
  bool Healthy() noexcept;

  // Thread-safe, never blocks on the database.
  [[nodiscard]] PoolStats Stats() const;

  [[nodiscard]] const Options& GetOptions() const { return options_; }
  boost::asio::thread_pool& Executor() { return threads_; }

 private:
  class Lease;  // RAII borrow, defined in db_inl.h
  std::unique_ptr<Connection> Acquire();
  void Release(std::unique_ptr<Connection> c) noexcept;
  // Runs work() on threads_ and resumes the awaiting coroutine on its own executor.
  template <typename Work>
  boost::asio::awaitable<std::invoke_result_t<Work>> Offload(Work work);

  struct State;
  Options options_;
  std::unique_ptr<State> state_;
  boost::asio::thread_pool threads_;
};

}  // namespace bookstore::db

#include "bookstore/db/db_inl.h"
