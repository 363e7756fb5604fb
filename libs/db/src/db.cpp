#include "bookstore/db/db.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <openssl/crypto.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>

#include "bookstore/log/log.h"

namespace bookstore::db {
namespace {

// Bytes reserved per result column; longer values are fetched again with their exact length.
constexpr std::size_t kColumnBuffer = 256;
// Prepared statements kept per connection; the server caps them globally (max_prepared_stmt_count).
constexpr std::size_t kStatementCacheLimit = 256;
// An idle connection older than this is pinged before it is lent out (catches half-open sockets).
constexpr auto kPingIfIdleFor = std::chrono::seconds(30);

// Codes after which the connection cannot be used again.
bool BreaksConnection(unsigned code) {
  const bool client_side = (code >= 2000 && code < 3000) || (code >= 5000 && code < 6000);
  return client_side || code == ER_SERVER_SHUTDOWN || code == ER_CONNECTION_KILLED;
}

std::string Shorten(std::string_view sql) {
  constexpr std::size_t kMax = 200;
  if (sql.size() <= kMax) {
    return std::string(sql);
  }
  return std::string(sql.substr(0, kMax)) + "...";
}

Error ConnectionError(MYSQL* mysql, std::string_view what) {
  return {mysql_errno(mysql), std::string(what) + ": " + mysql_error(mysql)};
}

Error StatementError(MYSQL_STMT* stmt, std::string_view sql) {
  unsigned code = mysql_stmt_errno(stmt);
  std::string state = mysql_stmt_sqlstate(stmt);
  std::string message = mysql_stmt_error(stmt);
  // An error while streaming rows (a deadlock found by a locking read, a lost connection) is recorded on
  // the connection, not the statement: without this it read as error 0, neither retryable nor lost.
  if (code == 0 && stmt->mysql != nullptr) {
    code = mysql_errno(stmt->mysql);
    state = mysql_sqlstate(stmt->mysql);
    message = mysql_error(stmt->mysql);
  }
  return {code, std::string("MariaDB error ") + std::to_string(code) + " (" + state + "): " + message +
                    " [in: " + Shorten(sql) + "]"};
}

unsigned TimeoutSeconds(std::chrono::milliseconds ms) {
  const auto seconds = (ms.count() + 999) / 1000;
  return static_cast<unsigned>(std::clamp<std::int64_t>(seconds, 1, std::int64_t{24} * 3600));
}

void InitLibraryOnce() {
  // mysql_library_init is not thread-safe; mysql_init would call it lazily from several pool threads.
  static std::once_flag once;
  std::call_once(once, [] {
    // Connector/C's start-up loads OpenSSL's configuration file, for TLS that these connections never use
    // (plain TCP inside the deployment's network: no MYSQL_OPT_SSL_* is set). Loading it touches about
    // 1 MiB of libcrypto in every service with a database (docs/performance.md, scenario 8), so OpenSSL is
    // told not to load it implicitly; a TLS server in the same process loads it itself (libs/http).
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
    if (mysql_library_init(0, nullptr, nullptr) != 0) {
      throw Error(0, "cannot initialise MariaDB Connector/C");
    }
  });
}

struct StatementCloser {
  void operator()(MYSQL_STMT* s) const { mysql_stmt_close(s); }
};
using StatementPtr = std::unique_ptr<MYSQL_STMT, StatementCloser>;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Input binds point into the Params (Connector/C only reads them) and into this storage.
class ParamBinder {
 public:
  explicit ParamBinder(const std::vector<Param>& params) : binds_(params.size()) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      Bind(binds_[i], params[i]);
    }
  }
  MYSQL_BIND* Data() { return binds_.data(); }

 private:
  static void BindText(MYSQL_BIND& b, enum_field_types type, const std::string& text) {
    b.buffer_type = type;
    b.buffer = const_cast<char*>(text.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast): read only
    b.buffer_length = text.size();
  }
  static void Bind(MYSQL_BIND& b, const Param& p) {
    std::visit(
        [&b](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::nullptr_t>) {
            b.buffer_type = MYSQL_TYPE_NULL;
          } else if constexpr (std::is_same_v<V, std::int64_t>) {
            b.buffer_type = MYSQL_TYPE_LONGLONG;
            b.buffer = const_cast<std::int64_t*>(&v);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
          } else if constexpr (std::is_same_v<V, double>) {
            b.buffer_type = MYSQL_TYPE_DOUBLE;
            b.buffer = const_cast<double*>(&v);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
          } else if constexpr (std::is_same_v<V, std::string>) {
            BindText(b, MYSQL_TYPE_STRING, v);
          } else {
            static_assert(std::is_same_v<V, Decimal>);
            BindText(b, MYSQL_TYPE_NEWDECIMAL, v.text);
          }
        },
        p);
  }

  std::vector<MYSQL_BIND> binds_;
};

// Reads every row of the current result as text. Each column gets a small buffer; a longer value
// (TEXT, BLOB) is read again with mysql_stmt_fetch_column into a buffer of its reported length.
class RowReader {
 public:
  RowReader(MYSQL_STMT* stmt, unsigned columns, std::string_view sql)
      : stmt_(stmt),
        sql_(sql),
        buffers_(columns),
        lengths_(columns),
        nulls_(columns),
        errors_(columns),
        binds_(columns) {
    for (unsigned i = 0; i < columns; ++i) {
      buffers_[i].resize(kColumnBuffer);
      MYSQL_BIND& b = binds_[i];
      b.buffer_type = MYSQL_TYPE_STRING;
      b.buffer = buffers_[i].data();
      b.buffer_length = buffers_[i].size();
      b.length = &lengths_[i];
      b.is_null = &nulls_[i];
      b.error = &errors_[i];
    }
    if (mysql_stmt_bind_result(stmt_, binds_.data()) != 0) {
      throw StatementError(stmt_, sql_);
    }
  }

  std::vector<Row> ReadAll() {
    std::vector<Row> rows;
    while (true) {
      const int rc = mysql_stmt_fetch(stmt_);
      if (rc == MYSQL_NO_DATA) {
        break;
      }
      if (rc == 1) {
        throw StatementError(stmt_, sql_);
      }
      rows.emplace_back(CurrentRow());  // rc is 0 or MYSQL_DATA_TRUNCATED
    }
    return rows;
  }

 private:
  std::vector<std::optional<std::string>> CurrentRow() {
    std::vector<std::optional<std::string>> cols(binds_.size());
    for (unsigned i = 0; i < binds_.size(); ++i) {
      if (nulls_[i] != 0) {
        continue;
      }
      if (lengths_[i] <= buffers_[i].size()) {
        cols[i].emplace(buffers_[i].data(), lengths_[i]);
      } else {
        cols[i] = FetchLongColumn(i, lengths_[i]);
      }
    }
    return cols;
  }

  // Connector/C reports lengths as unsigned long.
  std::string FetchLongColumn(unsigned column, unsigned long length) {  // NOLINT(google-runtime-int)
    std::string value(length, '\0');
    unsigned long fetched = 0;  // NOLINT(google-runtime-int): Connector/C type
    MYSQL_BIND b{};
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = value.data();
    b.buffer_length = value.size();
    b.length = &fetched;
    if (mysql_stmt_fetch_column(stmt_, &b, column, 0) != 0) {
      throw StatementError(stmt_, sql_);
    }
    value.resize(std::min(fetched, length));
    return value;
  }

  MYSQL_STMT* stmt_;
  std::string_view sql_;
  std::vector<std::vector<char>> buffers_;
  std::vector<unsigned long> lengths_;  // NOLINT(google-runtime-int): Connector/C type
  std::vector<my_bool> nulls_;
  std::vector<my_bool> errors_;
  std::vector<MYSQL_BIND> binds_;
};

// Frees the statement's pending results whatever happens, so the connection stays in sync.
class ResultGuard {
 public:
  explicit ResultGuard(MYSQL_STMT* stmt) : stmt_(stmt) {}
  ~ResultGuard() { mysql_stmt_free_result(stmt_); }
  ResultGuard(const ResultGuard&) = delete;
  ResultGuard& operator=(const ResultGuard&) = delete;

 private:
  MYSQL_STMT* stmt_;
};

struct Outcome {
  std::vector<Row> rows;
  ExecResult exec;
};

}  // namespace

bool Error::IsConnectionLost() const {
  switch (code_) {
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:  // a name with no address for now (Swarm's DNS while the only task restarts)
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case CR_ERR_NET_READ:
    case CR_ERR_NET_WRITE:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------- Row

namespace detail {

void ThrowUnsignedOutOfRange(std::uint64_t value) {
  throw Error(0, "integer parameter " + std::to_string(value) + " does not fit a signed 64-bit column value");
}

void BackOffBeforeRetry(const Error& error, int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  std::uniform_int_distribution<int> jitter_ms(5, 25);
  const auto pause = std::chrono::milliseconds(jitter_ms(random) * attempt);
  log::Warn("retrying transaction",
            {{"attempt", attempt + 1}, {"code", error.Code()}, {"error", error.what()}});
  std::this_thread::sleep_for(pause);
}

}  // namespace detail

namespace {

const std::string& NotNull(const std::optional<std::string>& value, std::size_t i) {
  if (!value) {
    throw Error(0, "column " + std::to_string(i) + " is NULL");
  }
  return *value;
}

template <typename T>
T ParseNumber(const std::string& text, std::size_t i, const char* type) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) {
    throw Error(0, "column " + std::to_string(i) + " value '" + Shorten(text) + "' is not " + type);
  }
  return value;
}

}  // namespace

std::string Row::String(std::size_t i) const { return NotNull(cols_.at(i), i); }

std::int64_t Row::Int(std::size_t i) const {
  return ParseNumber<std::int64_t>(NotNull(cols_.at(i), i), i, "an integer");
}

double Row::Double(std::size_t i) const {
  return ParseNumber<double>(NotNull(cols_.at(i), i), i, "a number");
}

std::optional<std::int64_t> Row::OptInt(std::size_t i) const {
  if (IsNull(i)) {
    return std::nullopt;
  }
  return Int(i);
}

// ---------------------------------------------------------------------------------------- Connection

struct Connection::Impl {
  MYSQL* mysql = nullptr;
  std::unordered_map<std::string, StatementPtr, StringHash, std::equal_to<>> statements;

  ~Impl() {
    statements.clear();  // statements must be closed before their connection
    if (mysql != nullptr) {
      mysql_close(mysql);
    }
  }

  void Connect(const Options& o) {
    InitLibraryOnce();
    mysql = mysql_init(nullptr);
    if (mysql == nullptr) {
      throw Error(CR_OUT_OF_MEMORY, "mysql_init failed");
    }
    const unsigned connect_timeout = TimeoutSeconds(o.connect_timeout);
    const unsigned io_timeout = TimeoutSeconds(o.io_timeout);
    const my_bool off = 0;
    mysql_optionsv(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
    mysql_optionsv(mysql, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
    mysql_optionsv(mysql, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
    // Reconnecting silently would lose prepared statements and transaction state; the pool reconnects.
    mysql_optionsv(mysql, MYSQL_OPT_RECONNECT, &off);
    const char* database = o.database.empty() ? nullptr : o.database.c_str();
    if (mysql_real_connect(mysql, o.host.c_str(), o.user.c_str(), o.password.c_str(), database,
                           static_cast<unsigned>(o.port), nullptr, CLIENT_FOUND_ROWS) == nullptr) {
      throw Error(mysql_errno(mysql), "cannot connect to MariaDB at " + o.host + ":" +
                                          std::to_string(o.port) + (database ? "/" + o.database : "") +
                                          " as '" + o.user + "': " + mysql_error(mysql));
    }
  }

  MYSQL_STMT* Prepare(std::string_view sql) {
    if (auto it = statements.find(sql); it != statements.end()) {
      return it->second.get();
    }
    if (statements.size() >= kStatementCacheLimit) {
      statements.clear();
    }
    StatementPtr stmt(mysql_stmt_init(mysql));
    if (!stmt) {
      throw ConnectionError(mysql, "mysql_stmt_init");
    }
    if (mysql_stmt_prepare(stmt.get(), sql.data(), sql.size()) != 0) {
      throw StatementError(stmt.get(), sql);
    }
    return statements.emplace(std::string(sql), std::move(stmt)).first->second.get();
  }

  void Forget(std::string_view sql) {
    if (auto it = statements.find(sql); it != statements.end()) {
      statements.erase(it);
    }
  }

  Outcome Run(std::string_view sql, const ParamList& params, bool want_rows) {
    try {
      return RunPrepared(Prepare(sql), sql, params, want_rows);
    } catch (const Error& e) {
      if (!NeedsFreshStatement(e.Code(), sql)) {
        throw;
      }
      Forget(sql);
      return RunPrepared(Prepare(sql), sql, params, want_rows);
    }
  }

  // After DDL a cached statement can be stale: the server gives up re-preparing it (1615), or its
  // result now has other columns (2057, raised after the server ran it, so only reads are rerun).
  static bool NeedsFreshStatement(unsigned code, std::string_view sql) {
    if (code == ER_NEED_REPREPARE) {
      return true;
    }
    return code == CR_NEW_STMT_METADATA && IsRead(sql);
  }

  static bool IsRead(std::string_view sql) {
    const auto start = sql.find_first_not_of(" \t\r\n(");
    if (start == std::string_view::npos) {
      return false;
    }
    const auto word = sql.substr(start, 6);
    auto starts = [&](std::string_view w) {
      return word.size() >= w.size() && std::equal(w.begin(), w.end(), word.begin(), [](char a, char b) {
               return a == (b >= 'a' && b <= 'z' ? static_cast<char>(b - 'a' + 'A') : b);
             });
    };
    return starts("SELECT") || starts("WITH") || starts("SHOW");
  }

  static Outcome RunPrepared(MYSQL_STMT* stmt, std::string_view sql, const ParamList& params,
                             bool want_rows) {
    const auto& values = params.Get();
    if (mysql_stmt_param_count(stmt) != values.size()) {
      throw Error(0, "statement has " + std::to_string(mysql_stmt_param_count(stmt)) + " parameters, " +
                         std::to_string(values.size()) + " given [in: " + Shorten(sql) + "]");
    }
    ParamBinder binder(values);
    if (!values.empty() && mysql_stmt_bind_param(stmt, binder.Data()) != 0) {
      throw StatementError(stmt, sql);
    }
    ResultGuard guard(stmt);
    if (mysql_stmt_execute(stmt) != 0) {
      throw StatementError(stmt, sql);
    }
    Outcome out;
    if (const unsigned columns = mysql_stmt_field_count(stmt); columns > 0) {
      RowReader reader(stmt, columns, sql);
      auto rows = reader.ReadAll();
      if (want_rows) {
        out.rows = std::move(rows);
      }
    }
    out.exec.affected_rows = mysql_stmt_affected_rows(stmt);
    out.exec.insert_id = mysql_stmt_insert_id(stmt);
    DrainMoreResults(stmt, sql);  // CALL of a procedure ends with an extra status result
    return out;
  }

  static void DrainMoreResults(MYSQL_STMT* stmt, std::string_view sql) {
    while (mysql_stmt_more_results(stmt)) {
      mysql_stmt_free_result(stmt);
      const int rc = mysql_stmt_next_result(stmt);
      if (rc > 0) {
        throw StatementError(stmt, sql);
      }
      if (rc < 0) {
        break;
      }
      if (const unsigned columns = mysql_stmt_field_count(stmt); columns > 0) {
        RowReader(stmt, columns, sql).ReadAll();
      }
    }
  }
};

namespace {

// Runs body; marks the connection broken when the error leaves it unusable.
template <typename Body>
auto Guarded(bool& broken, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error& e) {
    if (BreaksConnection(e.Code())) {
      broken = true;
    }
    throw;
  }
}

}  // namespace

Connection::Connection(const Options& options) : impl_(std::make_unique<Impl>()) { impl_->Connect(options); }

Connection::~Connection() = default;

std::vector<Row> Connection::Query(std::string_view sql, const ParamList& params) {
  return Guarded(broken_, [&] { return impl_->Run(sql, params, true).rows; });
}

std::optional<Row> Connection::QueryOne(std::string_view sql, const ParamList& params) {
  auto rows = Query(sql, params);
  if (rows.empty()) {
    return std::nullopt;
  }
  return std::move(rows.front());
}

ExecResult Connection::Execute(std::string_view sql, const ParamList& params) {
  return Guarded(broken_, [&] { return impl_->Run(sql, params, false).exec; });
}

void Connection::Begin() {
  if (in_transaction_) {
    throw Error(0, "a transaction is already open on this connection");
  }
  Execute("START TRANSACTION");
  in_transaction_ = true;
}

void Connection::Commit() {
  if (!in_transaction_) {
    throw Error(0, "no transaction is open on this connection");
  }
  Execute("COMMIT");  // on failure the transaction stays open so that Rollback still runs
  in_transaction_ = false;
  auto callbacks = std::exchange(after_commit_, {});
  for (auto& callback : callbacks) callback();
}

void Connection::AfterCommit(std::function<void()> fn) {
  if (!in_transaction_) {
    throw Error(0, "AfterCommit needs an open transaction");
  }
  after_commit_.push_back(std::move(fn));
}

void Connection::Rollback() noexcept {
  if (!in_transaction_) {
    return;
  }
  in_transaction_ = false;
  after_commit_.clear();
  try {
    Execute("ROLLBACK");
  } catch (...) {
    broken_ = true;  // state unknown: never lend this connection again
  }
}

bool Connection::Ping() noexcept {
  if (broken_) {
    return false;
  }
  if (mysql_ping(impl_->mysql) != 0) {
    broken_ = true;
    return false;
  }
  return true;
}

bool Connection::LooksConnected() noexcept {
  if (broken_) {
    return false;
  }
  const int fd = static_cast<int>(mysql_get_socket(impl_->mysql));
  if (fd < 0) {
    return false;
  }
  // An idle connection has nothing to read: readable means EOF or an error the server sent on closing.
  pollfd p{fd, POLLIN, 0};
  const int rc = ::poll(&p, 1, 0);
  if (rc == 0) {
    return true;
  }
  broken_ = true;
  return false;
}

// ---------------------------------------------------------------------------------------------- Pool

struct Pool::State {
  struct Idle {
    std::unique_ptr<Connection> connection;
    std::chrono::steady_clock::time_point since;
  };
  std::mutex mutex;
  std::condition_variable released;
  std::vector<Idle> idle;  // most recently used last
  int open = 0;            // idle + lent out + being opened
  // For Stats().
  std::atomic<std::uint64_t> acquires{0}, waits{0}, timeouts{0};
  std::atomic<std::int64_t> waited_ns{0};
};

namespace {

Options Validated(Options options) {
  if (options.pool_size < 1) {
    throw Error(0, "db pool_size must be at least 1");
  }
  return options;
}

bool StillUsable(Connection& c, std::chrono::steady_clock::time_point idle_since) {
  if (!c.LooksConnected()) {
    return false;
  }
  if (std::chrono::steady_clock::now() - idle_since < kPingIfIdleFor) {
    return true;
  }
  return c.Ping();
}

}  // namespace

Pool::Pool(Options options)
    : options_(Validated(std::move(options))),
      state_(std::make_unique<State>()),
      threads_(static_cast<std::size_t>(options_.pool_size)) {}

Pool::~Pool() {
  // Let running calls finish before their connections and state go away.
  threads_.stop();
  threads_.join();
}

std::unique_ptr<Connection> Pool::Acquire() {
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + options_.acquire_timeout;
  bool waited = false;
  // Once per borrow that ends, granted or timed out (a connection that fails to open is neither).
  auto count = [&](std::atomic<std::uint64_t>& outcome) {
    ++outcome;
    if (!waited) return;
    ++state_->waits;
    state_->waited_ns +=
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
            .count();
  };
  std::unique_lock lock(state_->mutex);
  while (true) {
    while (!state_->idle.empty()) {
      State::Idle candidate = std::move(state_->idle.back());
      state_->idle.pop_back();
      lock.unlock();
      if (StillUsable(*candidate.connection, candidate.since)) {
        count(state_->acquires);
        return std::move(candidate.connection);
      }
      log::Warn("discarding a closed database connection", {{"database", options_.database}});
      candidate.connection.reset();
      lock.lock();
      --state_->open;
    }
    if (state_->open < options_.pool_size) {
      ++state_->open;
      lock.unlock();
      try {
        auto connection = std::make_unique<Connection>(options_);
        count(state_->acquires);
        return connection;
      } catch (...) {
        lock.lock();
        --state_->open;
        state_->released.notify_one();
        throw;
      }
    }
    waited = true;
    if (state_->released.wait_until(lock, deadline) == std::cv_status::timeout && state_->idle.empty() &&
        state_->open >= options_.pool_size) {
      count(state_->timeouts);
      throw Error(0, "no free database connection within " +
                         std::to_string(options_.acquire_timeout.count()) + " ms (pool_size " +
                         std::to_string(options_.pool_size) + ")");
    }
  }
}

void Pool::Release(std::unique_ptr<Connection> c) noexcept {
  if (!c) {
    return;
  }
  if (c->InTransaction()) {
    c->Rollback();
  }
  if (c->Broken()) {
    log::Warn("database connection broken; a new one will be opened", {{"database", options_.database}});
    c.reset();  // closes outside the lock
    const std::lock_guard lock(state_->mutex);
    --state_->open;
  } else {
    const std::lock_guard lock(state_->mutex);
    state_->idle.push_back({std::move(c), std::chrono::steady_clock::now()});
  }
  state_->released.notify_one();
}

PoolStats Pool::Stats() const {
  PoolStats stats{.size = options_.pool_size,
                  .acquires = state_->acquires.load(),
                  .waits = state_->waits.load(),
                  .wait_seconds = static_cast<double>(state_->waited_ns.load()) / 1e9,
                  .timeouts = state_->timeouts.load()};
  const std::lock_guard lock(state_->mutex);  // held only for moves of pointers, never across a query
  stats.open = state_->open;
  stats.idle = static_cast<int>(state_->idle.size());
  return stats;
}

std::string Placeholders(std::size_t count, std::string_view each) {
  std::string list;
  list.reserve(count * (each.size() + 2));
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) list += ", ";
    list += each;
  }
  return list;
}

std::string CaseWhen(std::string_view key, const std::vector<std::pair<Param, Param>>& values,
                     ParamList& params) {
  std::string sql = "CASE " + std::string(key);
  for (const auto& [when, then] : values) {
    sql += " WHEN ? THEN ?";
    params.Add(when);
    params.Add(then);
  }
  return sql + " END";
}

bool Pool::Healthy() noexcept {
  try {
    return WithConnection([](Connection& c) { return c.Ping(); });
  } catch (...) {
    return false;
  }
}

}  // namespace bookstore::db
