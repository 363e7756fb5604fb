#include "bookstore/db/migrations.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "bookstore/log/log.h"

namespace bookstore::db {
namespace {

// Slow DDL (ALTER TABLE on a big table) must not hit the normal per-call read timeout.
constexpr std::chrono::milliseconds kMigrationIoTimeout = std::chrono::minutes(30);
// How long a replica waits for another one that is migrating, and how often it says so.
constexpr std::chrono::seconds kLockWaitLimit = std::chrono::minutes(30);
constexpr int kLockPollSeconds = 5;

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  return s;
}

// True when the piece has something besides blank lines and line comments.
bool HasCode(std::string_view piece) {
  while (!piece.empty()) {
    const auto eol = piece.find('\n');
    const auto line = TrimLeft(TrimRight(piece.substr(0, eol)));
    if (!line.empty() && !line.starts_with("--") && !line.starts_with('#')) {
      return true;
    }
    if (eol == std::string_view::npos) {
      break;
    }
    piece.remove_prefix(eol + 1);
  }
  return false;
}

void AddStatement(std::vector<std::string>& out, std::string_view piece) {
  piece = TrimLeft(TrimRight(piece));
  if (piece.ends_with(';')) {
    piece = TrimRight(piece.substr(0, piece.size() - 1));
  }
  if (HasCode(piece)) {
    out.emplace_back(piece);
  }
}

std::string LockName(const std::string& database) {
  constexpr std::size_t kMaxLockName = 64;  // MariaDB's limit for GET_LOCK names
  const std::string suffix = ".migrations";
  return database.substr(0, kMaxLockName - suffix.size()) + suffix;
}

// Holds the named lock for the whole run; the server also frees it if the connection dies.
class MigrationLock {
 public:
  MigrationLock(Connection& c, std::string name) : c_(c), name_(std::move(name)) {
    const auto deadline = std::chrono::steady_clock::now() + kLockWaitLimit;
    bool said_waiting = false;
    while (true) {
      auto row = c_.QueryOne("SELECT GET_LOCK(?, ?)", {name_, kLockPollSeconds});
      if (row && !row->IsNull(0) && row->Int(0) == 1) {
        return;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        throw Error(0, "timed out waiting for the migration lock '" + name_ + "'");
      }
      if (!said_waiting) {
        log::Info("waiting for another instance to finish migrations", {{"lock", name_}});
        said_waiting = true;
      }
    }
  }
  ~MigrationLock() {
    try {
      c_.Execute("DO RELEASE_LOCK(?)", {name_});
    } catch (const std::exception& e) {
      log::Warn("could not release the migration lock", {{"lock", name_}, {"error", e.what()}});
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  Connection& c_;
  std::string name_;
};

void CheckUniqueNames(const std::vector<Migration>& migrations) {
  std::set<std::string_view> seen;
  for (const auto& m : migrations) {
    if (m.name.empty()) {
      throw Error(0, "a migration has an empty name");
    }
    if (!seen.insert(m.name).second) {
      throw Error(0, "migration name '" + m.name + "' appears twice");
    }
  }
}

void EnsureHistoryTable(Connection& c) {
  c.Execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,"
      " applied_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
}

std::set<std::string> AppliedNames(Connection& c) {
  std::set<std::string> names;
  for (const auto& row : c.Query("SELECT name FROM schema_migrations")) {
    names.insert(row.String(0));
  }
  return names;
}

void Apply(Connection& c, const Migration& m) {
  const auto started = std::chrono::steady_clock::now();
  const auto statements = SplitStatements(m.sql);
  Transaction tx(c);
  for (std::size_t i = 0; i < statements.size(); ++i) {
    try {
      c.Execute(statements[i]);
    } catch (const Error& e) {
      throw Error(e.Code(),
                  "migration " + m.name + " failed at statement " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  c.Execute("INSERT INTO schema_migrations (name) VALUES (?)", {m.name});
  tx.Commit();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
          .count();
  log::Info("applied migration",
            {{"migration", m.name}, {"statements", statements.size()}, {"duration_ms", ms}});
}

}  // namespace

std::vector<Migration> MigrationsFromFiles(const std::vector<EmbeddedFile>& files) {
  std::vector<Migration> migrations;
  migrations.reserve(files.size());
  for (const auto& file : files) {
    const auto dot = file.path.rfind('.');
    migrations.push_back(
        Migration{.name = std::string(file.path.substr(0, dot)), .sql = std::string(file.content)});
  }
  return migrations;
}

std::vector<std::string> SplitStatements(std::string_view sql) {
  std::vector<std::string> out;
  std::size_t start = 0;
  std::size_t pos = 0;
  while (pos < sql.size()) {
    auto eol = sql.find('\n', pos);
    if (eol == std::string_view::npos) {
      eol = sql.size();
    }
    if (TrimRight(sql.substr(pos, eol - pos)).ends_with(';')) {
      AddStatement(out, sql.substr(start, eol - start));
      start = eol + 1;
    }
    pos = eol + 1;
  }
  if (start < sql.size()) {
    AddStatement(out, sql.substr(start));
  }
  return out;
}

void Migrate(Pool& pool, const std::vector<Migration>& migrations) {
  CheckUniqueNames(migrations);
  Options options = pool.GetOptions();
  if (options.database.empty()) {
    throw Error(0, "migrations need a database name in db::Options");
  }
  options.io_timeout = std::max(options.io_timeout, kMigrationIoTimeout);
  Connection c(options);
  const MigrationLock lock(c, LockName(options.database));
  EnsureHistoryTable(c);
  const auto applied = AppliedNames(c);
  int count = 0;
  for (const auto& m : migrations) {
    if (applied.contains(m.name)) {
      continue;
    }
    log::Info("applying migration", {{"migration", m.name}, {"database", options.database}});
    Apply(c, m);
    ++count;
  }
  log::Info("database schema up to date",
            {{"database", options.database}, {"applied", count}, {"known", migrations.size()}});
}

void MigrateWhenReachable(Pool& pool, const std::vector<Migration>& migrations, std::chrono::seconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto delay = std::chrono::milliseconds(200);
  for (;;) {
    try {
      Migrate(pool, migrations);
      return;
    } catch (const Error& error) {
      if (!error.IsConnectionLost()) throw;
      if (std::chrono::steady_clock::now() + delay > deadline) throw;
      log::Warn("database not reachable yet; retrying",
                {{"error", error.what()}, {"retry_in_ms", delay.count()}});
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    }
  }
}

}  // namespace bookstore::db
