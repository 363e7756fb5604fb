// Integration tests of db::Migrate and of bookstore_embed_migrations (this binary embeds tests/migrations).
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "bookstore/db/db.h"
#include "bookstore/db/migrations.h"
#include "bookstore/testing/testing.h"

namespace bookstore::db {
namespace {

using bookstore::testing::Eventually;
using bookstore::testing::TestDatabase;

class MigrationsTest : public ::testing::Test {
 protected:
  TestDatabase database_{"migrations"};
  Pool pool_{database_.Options()};

  std::int64_t Count(const std::string& sql) {
    return pool_.WithConnection([&](Connection& c) { return c.QueryOne(sql)->Int(0); });
  }
  std::vector<std::string> AppliedNames() {
    return pool_.WithConnection([](Connection& c) {
      std::vector<std::string> names;
      // NOLINTNEXTLINE(performance-inefficient-vector-operation): few rows
      for (const auto& row : c.Query("SELECT name FROM schema_migrations ORDER BY name")) {
        names.push_back(row.String(0));
      }
      return names;
    });
  }
};

// NOLINTNEXTLINE(cert-err58-cpp): a test fixture value; allocation failure at start-up is fatal anyway
const std::vector<Migration> kRuns = {
    {"0001_runs", "CREATE TABLE runs (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20) NOT NULL);"},
    {"0002_first_row", "INSERT INTO runs (note) VALUES ('second');"},
    {"0003_more",
     "ALTER TABLE runs ADD COLUMN extra INT NULL;\nINSERT INTO runs (note, extra) VALUES ('third', 3);\n"},
};

TEST_F(MigrationsTest, AppliesInOrderAndRerunIsANoOp) {
  Migrate(pool_, kRuns);
  EXPECT_EQ(AppliedNames(), (std::vector<std::string>{"0001_runs", "0002_first_row", "0003_more"}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 2);
  EXPECT_EQ(Count("SELECT extra FROM runs WHERE note = 'third'"), 3);

  Migrate(pool_, kRuns);  // would fail on CREATE TABLE or add rows if anything ran again
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 2);
  EXPECT_EQ(AppliedNames().size(), 3U);

  auto more = kRuns;
  more.push_back({"0004_later", "INSERT INTO runs (note) VALUES ('fourth');"});
  Migrate(pool_, more);  // only the new one runs
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 3);
  EXPECT_EQ(Count("SELECT IS_FREE_LOCK(CONCAT(DATABASE(), '.migrations'))"), 1);
}

TEST_F(MigrationsTest, ConcurrentReplicasApplyEachMigrationOnce) {
  constexpr int kReplicas = 8;
  std::latch start(kReplicas);
  std::atomic<int> failures{0};
  std::vector<std::thread> replicas;
  replicas.reserve(kReplicas);
  for (int i = 0; i < kReplicas; ++i) {
    replicas.emplace_back([&] {
      try {
        Options options = database_.Options();
        options.pool_size = 1;
        Pool own(options);  // each replica is its own process in production: its own pool
        start.arrive_and_wait();
        Migrate(own, kRuns);
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : replicas) {
    t.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(AppliedNames().size(), 3U);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 2);  // each INSERT migration ran exactly once
}

TEST_F(MigrationsTest, WaitsWhileAnotherReplicaHoldsTheLock) {
  Connection other(database_.Options());
  ASSERT_EQ(other.QueryOne("SELECT GET_LOCK(?, 0)", {database_.Name() + ".migrations"})->Int(0), 1);
  std::exception_ptr error;
  std::thread replica([&] {
    try {
      Migrate(pool_, kRuns);
    } catch (...) {
      error = std::current_exception();
    }
  });
  // The replica's connection is seen waiting for the user lock; nothing has been applied yet.
  EXPECT_TRUE(Eventually([&] {
    return other
               .QueryOne(
                   "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'SELECT "
                   "GET_LOCK%'",
                   {database_.Name()})
               ->Int(0) == 1;
  }));
  EXPECT_EQ(
      other
          .QueryOne(
              "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'runs'",
              {database_.Name()})
          ->Int(0),
      0);
  other.Execute("DO RELEASE_LOCK(?)", {database_.Name() + ".migrations"});
  replica.join();
  EXPECT_FALSE(error);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 2);
}

TEST_F(MigrationsTest, FailedMigrationIsNotRecordedAndItsDmlIsRolledBack) {
  std::vector<Migration> broken = {
      {"0001_table", "CREATE TABLE t (id INT PRIMARY KEY);"},
      {"0002_rows", "INSERT INTO t VALUES (1);\nINSERT INTO no_such_table VALUES (1);\n"},
      {"0003_never", "INSERT INTO t VALUES (3);"},
  };
  try {
    Migrate(pool_, broken);
    ADD_FAILURE() << "expected the migration to fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.Code(), 1146U);  // no such table
    EXPECT_NE(std::string(e.what()).find("0002_rows"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("statement 2"), std::string::npos) << e.what();
  }
  EXPECT_EQ(AppliedNames(), std::vector<std::string>{"0001_table"});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM t"), 0);  // the first INSERT of 0002 was rolled back
  EXPECT_EQ(Count("SELECT IS_FREE_LOCK(CONCAT(DATABASE(), '.migrations'))"), 1);

  broken[1].sql =
      "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n";  // fixed before it was ever applied
  Migrate(pool_, broken);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM t"), 3);
}

TEST_F(MigrationsTest, RejectsDuplicateNames) {
  const std::vector<Migration> twice = {{"0001_a", "SELECT 1;"}, {"0001_a", "SELECT 2;"}};
  EXPECT_THROW(Migrate(pool_, twice), Error);
}

TEST_F(MigrationsTest, EmbeddedMigrationsComeFromTheSqlFolder) {
  const auto embedded = EmbeddedMigrations();
  ASSERT_EQ(embedded.size(), 2U);
  EXPECT_EQ(embedded[0].name, "0001_create_shelves");
  EXPECT_EQ(embedded[1].name, "0002_add_position");
  EXPECT_NE(embedded[0].sql.find("Caf\xC3\xA9 \xE2\x98\x95 \"quoted\" \\\\ backslash"), std::string::npos);

  Migrate(pool_, embedded);
  const auto rows = pool_.WithConnection(
      [](Connection& c) { return c.Query("SELECT label, position FROM shelves ORDER BY id"); });
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].String(0), "Caf\xC3\xA9 \xE2\x98\x95 \"quoted\" \\ backslash");
  EXPECT_EQ(rows[0].Int(1), 0);
  EXPECT_EQ(rows[1].String(0), "second");
  EXPECT_EQ(rows[1].Int(1), 99);  // set by the trigger created in 0002
  EXPECT_EQ(AppliedNames(), (std::vector<std::string>{"0001_create_shelves", "0002_add_position"}));
}

}  // namespace
}  // namespace bookstore::db
