#pragma once
// Versioned schema migrations applied at start-up.
//
// A service keeps its SQL files in services/<name>/migrations/NNNN_description.sql and compiles them into
// its binary with bookstore_embed_migrations(<target> <dir>) (cmake/Bookstore.cmake), which defines
// EmbeddedMigrationFiles() for that target (files sorted by name; a migration's name is its file name
// without ".sql").
// At start-up: db::MigrateWhenReachable(pool, db::EmbeddedMigrations());
//
// Rules for migration files:
// - A statement ends with a `;` at the end of a line (trailing spaces allowed). A `;` elsewhere on a line
//   does not split, so a procedure or trigger body (BEGIN ...; ... END) must not end a line with `;`
//   before its last line (write `BEGIN ...; ...; END;` on one line, or put the inner `;` mid-line).
//   Consequently a string literal or comment must not end a line with `;` either.
// - Pieces holding only comments (`-- ...`, `# ...`) or blank lines are skipped.
// - Every statement is run as a prepared statement. MariaDB 10.11 prepares every statement (DDL,
//   CREATE PROCEDURE/TRIGGER/VIEW/EVENT, BEGIN NOT ATOMIC ... END, GRANT, SET) except PREPARE, EXECUTE
//   and DEALLOCATE PREPARE (error 1295); DELIMITER is a client command and is not supported.
// - Each migration runs inside a transaction together with its schema_migrations row: a migration of
//   only DML is atomic. DDL commits implicitly in MariaDB, so a migration with DDL that fails half-way
//   stays half-applied and is retried from its first statement at the next start: keep one DDL change
//   per file or write them re-runnable (CREATE TABLE IF NOT EXISTS, ADD COLUMN IF NOT EXISTS).
// - Never edit an applied migration; add a new one.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/db/db.h"
#include "bookstore/embed/embedded_file.h"

namespace bookstore::db {

struct Migration {
  std::string name;  // unique, e.g. "0001_create_books"
  std::string sql;   // one or more statements
};

// The target's <dir>/*.sql, sorted by name: defined by the file bookstore_embed_migrations() generates.
const std::vector<EmbeddedFile>& EmbeddedMigrationFiles();

// Migrations from embedded SQL files, each named after its file without the last extension.
std::vector<Migration> MigrationsFromFiles(const std::vector<EmbeddedFile>& files);

// The target's own migrations (inline: only a target that embeds them refers to its files).
inline std::vector<Migration> EmbeddedMigrations() { return MigrationsFromFiles(EmbeddedMigrationFiles()); }

// Applies, in the order given, every migration whose name is not yet recorded in the table
// schema_migrations(name PRIMARY KEY, applied_at), recording each one. Safe when several replicas
// start at once: the whole run holds GET_LOCK('<database>.migrations'), so a replica that waited sees
// the migrations applied and does nothing. Uses a connection of its own (with a long read timeout for
// slow DDL) built from pool.GetOptions(). Throws db::Error naming the migration that failed.
// Several lists (e.g. a library's own tables and the service's) can be concatenated by the caller.
void Migrate(Pool& pool, const std::vector<Migration>& migrations);

// Migrate, retried while the database cannot be reached (a fresh stack starts its services and the
// database together; during a restart of the database its name may not even resolve), for at most `wait`.
// Other errors, and the last one after `wait`, are thrown.
void MigrateWhenReachable(Pool& pool, const std::vector<Migration>& migrations,
                          std::chrono::seconds wait = std::chrono::seconds(60));

// Splits a migration file into statements following the rules above (exposed for tests).
std::vector<std::string> SplitStatements(std::string_view sql);

}  // namespace bookstore::db
