// Integration tests of bookstore::db against the real MariaDB (BOOKSTORE_TEST_DB_*).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <latch>
#include <stdexcept>
#include <thread>

#include "bookstore/db/db.h"
#include "bookstore/testing/testing.h"

namespace bookstore::db {
namespace {

namespace asio = boost::asio;
using bookstore::testing::Eventually;
using bookstore::testing::TestDatabase;
using namespace std::chrono_literals;

class DbTest : public ::testing::Test {
 protected:
  TestDatabase database_{"db"};
  Pool pool_{database_.Options()};

  void CreateItems() {
    pool_.WithConnection([](Connection& c) {
      c.Execute(
          "CREATE TABLE items (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE,"
          " qty BIGINT NULL, ratio DOUBLE NULL, price DECIMAL(10,2) NULL, body LONGTEXT NULL, bin LONGBLOB "
          "NULL)"
          " ENGINE=InnoDB CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci");
    });
  }

  std::int64_t CountItems() {
    return pool_.WithConnection(
        [](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM items")->Int(0); });
  }
};

TEST_F(DbTest, InsertsAndSelectsEveryParamType) {
  CreateItems();
  pool_.WithConnection([](Connection& c) {
    const auto r =
        c.Execute("INSERT INTO items (name, qty, ratio, price, body, bin) VALUES (?, ?, ?, ?, ?, ?)",
                  {"book", 42, 0.25, Decimal{"12.50"}, std::string("long text"), nullptr});
    EXPECT_EQ(r.affected_rows, 1U);
    EXPECT_GT(r.insert_id, 0U);
    const auto row =
        c.QueryOne("SELECT id, name, qty, ratio, price, body, bin FROM items WHERE name = ?", {"book"});
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->Int(0), static_cast<std::int64_t>(r.insert_id));
    EXPECT_EQ(row->String(1), "book");
    EXPECT_EQ(row->Int(2), 42);
    EXPECT_DOUBLE_EQ(row->Double(3), 0.25);
    EXPECT_EQ(row->String(4), "12.50");
    EXPECT_EQ(row->String(5), "long text");
    EXPECT_TRUE(row->IsNull(6));
    EXPECT_FALSE(c.QueryOne("SELECT id FROM items WHERE name = ?", {"missing"}).has_value());
  });
}

TEST_F(DbTest, ReadsOtherColumnTypesAsText) {
  pool_.WithConnection([](Connection& c) {
    const auto row = c.QueryOne(
        "SELECT CAST('2024-01-31 12:34:56' AS DATETIME), CAST('2024-01-31 12:34:56.123456' AS DATETIME(6)),"
        " CAST('2024-02-29' AS DATE), -9223372036854775807 - 1, 18446744073709551615, 0.1e0, TRUE");
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->String(0), "2024-01-31 12:34:56");
    EXPECT_EQ(row->String(1), "2024-01-31 12:34:56.123456");
    EXPECT_EQ(row->String(2), "2024-02-29");
    EXPECT_EQ(row->Int(3), std::numeric_limits<std::int64_t>::min());
    EXPECT_EQ(row->String(4), "18446744073709551615");
    EXPECT_DOUBLE_EQ(row->Double(5), 0.1);
    EXPECT_TRUE(row->Bool(6));
  });
}

TEST_F(DbTest, DecimalStaysExact) {
  pool_.WithConnection([](Connection& c) {
    c.Execute("CREATE TABLE money (id INT PRIMARY KEY, amount DECIMAL(10,2) NOT NULL)");
    c.Execute("INSERT INTO money VALUES (1, ?), (2, ?), (3, ?)",
              {Decimal{"0.10"}, Decimal{"0.20"}, Decimal{"999999.99"}});
    EXPECT_EQ(c.QueryOne("SELECT SUM(amount) FROM money WHERE id IN (1, 2)")->String(0), "0.30");
    EXPECT_EQ(c.QueryOne("SELECT amount FROM money WHERE id = 3")->String(0), "999999.99");
    EXPECT_EQ(c.QueryOne("SELECT SUM(amount) = 0.30 FROM money WHERE id IN (1, 2)")->Int(0), 1);
    EXPECT_EQ(c.QueryOne("SELECT ? + ?", {Decimal{"0.10"}, Decimal{"0.20"}})->String(0), "0.30");
    // A value beyond the column's precision is refused (strict mode), not rounded silently.
    EXPECT_THROW(c.Execute("INSERT INTO money VALUES (4, ?)", {Decimal{"100000000.00"}}), Error);
  });
}

TEST_F(DbTest, Utf8mb4RoundTripAndAccentInsensitiveCollation) {
  CreateItems();
  const std::string name = "Caf\xC3\xA9 \xF0\x9F\x93\x9A na\xC3\xAFve \xE2\x82\xAC";  // Café 📚 naïve €
  pool_.WithConnection([&](Connection& c) {
    c.Execute("INSERT INTO items (name) VALUES (?)", {name});
    c.Execute("INSERT INTO items (name) VALUES (?)", {"\xF0\x9F\x98\x80"});  // 😀
    c.Execute("INSERT INTO items (name) VALUES (?)", {"\xF0\x9F\x98\x81"});  // 😁 must differ from 😀
    EXPECT_EQ(c.QueryOne("SELECT name FROM items WHERE name = ?", {name})->String(0), name);
    const auto matches = c.Query("SELECT name FROM items WHERE name LIKE ?", {"cafe%"});
    ASSERT_EQ(matches.size(), 1U);
    EXPECT_EQ(matches[0].String(0), name);
    EXPECT_EQ(c.QueryOne("SELECT COUNT(*) FROM items WHERE name = ?", {"\xF0\x9F\x98\x80"})->Int(0), 1);
    EXPECT_EQ(c.QueryOne("SELECT CHAR_LENGTH(name) FROM items WHERE name = ?", {name})->Int(0), 14);
  });
}

TEST_F(DbTest, NullHandling) {
  CreateItems();
  pool_.WithConnection([](Connection& c) {
    const std::optional<std::int64_t> no_qty;
    const std::optional<std::string> body = "b";
    c.Execute("INSERT INTO items (name, qty, body) VALUES (?, ?, ?)", {"n", no_qty, body});
    const auto row = c.QueryOne("SELECT qty, body, price, ratio FROM items WHERE name = 'n'");
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->OptInt(0), std::nullopt);
    EXPECT_EQ(row->OptString(1), "b");
    EXPECT_TRUE(row->IsNull(2));
    EXPECT_TRUE(row->IsNull(3));
    EXPECT_THROW((void)row->Int(0), Error);
    EXPECT_EQ(c.QueryOne("SELECT COUNT(*) FROM items WHERE qty IS NULL")->Int(0), 1);
    EXPECT_TRUE(c.QueryOne("SELECT ?", {nullptr})->IsNull(0));
  });
}

TEST_F(DbTest, LongTextAndBlobRoundTrip) {
  CreateItems();
  std::string text;
  for (int i = 0; text.size() < std::size_t{1024} * 1024; ++i) {
    text += "line " + std::to_string(i) + " caf\xC3\xA9\n";
  }
  std::string blob(300000, '\0');
  for (std::size_t i = 0; i < blob.size(); ++i) {
    blob[i] = static_cast<char>(i % 251);
  }
  pool_.WithConnection([&](Connection& c) {
    c.Execute("INSERT INTO items (name, body, bin) VALUES (?, ?, ?)", {"big", text, blob});
    c.Execute("INSERT INTO items (name, body) VALUES (?, ?)", {"small", "s"});
    const auto rows = c.Query("SELECT name, body, bin, LENGTH(body) FROM items ORDER BY id");
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].String(1).size(), text.size());
    EXPECT_TRUE(rows[0].String(1) == text);
    EXPECT_TRUE(rows[0].String(2) == blob);
    EXPECT_EQ(rows[0].Int(3), static_cast<std::int64_t>(text.size()));
    EXPECT_EQ(rows[1].String(1), "s");  // the short value after a long one in the same column
    EXPECT_TRUE(rows[1].IsNull(2));
  });
}

TEST_F(DbTest, TransactionRollbackLeavesNothing) {
  CreateItems();
  EXPECT_THROW(pool_.WithTransaction([](Connection& c) {
    c.Execute("INSERT INTO items (name) VALUES ('a')");
    c.Execute("INSERT INTO items (name) VALUES ('b')");
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  EXPECT_EQ(CountItems(), 0);
  pool_.WithTransaction([](Connection& c) { c.Execute("INSERT INTO items (name) VALUES ('a')"); });
  EXPECT_EQ(CountItems(), 1);
}

TEST_F(DbTest, TransactionRaiiRollsBackOnException) {
  CreateItems();
  pool_.WithConnection([](Connection& c) {
    try {
      Transaction tx(c);
      c.Execute("INSERT INTO items (name) VALUES ('x')");
      EXPECT_TRUE(c.InTransaction());
      throw std::runtime_error("boom");
    } catch (const std::runtime_error&) {
    }
    EXPECT_FALSE(c.InTransaction());
    EXPECT_EQ(c.QueryOne("SELECT COUNT(*) FROM items")->Int(0), 0);
    {
      Transaction tx(c);
      c.Execute("INSERT INTO items (name) VALUES ('y')");
      tx.Commit();
    }
    EXPECT_EQ(c.QueryOne("SELECT COUNT(*) FROM items")->Int(0), 1);
  });
}

TEST_F(DbTest, AfterCommitRunsOnceCommittedAndNeverAfterARollback) {
  CreateItems();
  pool_.WithConnection([](Connection& c) {
    EXPECT_THROW(c.AfterCommit([] {}), Error);  // outside a transaction
    std::vector<std::string> ran;
    {
      Transaction tx(c);
      c.Execute("INSERT INTO items (name) VALUES ('rolled back')");
      c.AfterCommit([&] { ran.emplace_back("rolled back"); });
    }
    {
      Transaction tx(c);
      c.Execute("INSERT INTO items (name) VALUES ('committed')");
      c.AfterCommit([&] {
        // Runs once the commit is done: the connection is free for the next statement.
        EXPECT_FALSE(c.InTransaction());
        ran.emplace_back("committed " + std::to_string(c.QueryOne("SELECT COUNT(*) FROM items")->Int(0)));
      });
      EXPECT_TRUE(ran.empty());
      tx.Commit();
    }
    {
      Transaction tx(c);
      tx.Commit();  // a later transaction runs nothing again
    }
    EXPECT_EQ(ran, std::vector<std::string>{"committed 1"});
  });
}

TEST_F(DbTest, DuplicateKeyIsReported) {
  CreateItems();
  pool_.WithConnection([](Connection& c) {
    c.Execute("INSERT INTO items (name) VALUES (?)", {"same"});
    try {
      c.Execute("INSERT INTO items (name) VALUES (?)", {"same"});
      ADD_FAILURE() << "expected a duplicate key error";
    } catch (const Error& e) {
      EXPECT_TRUE(e.IsDuplicateKey()) << e.what();
      EXPECT_FALSE(e.IsConnectionLost());
    }
    EXPECT_FALSE(c.Broken());  // the connection stays usable
    EXPECT_EQ(c.QueryOne("SELECT COUNT(*) FROM items")->Int(0), 1);
  });
}

TEST_F(DbTest, StatementErrorsKeepTheConnectionUsable) {
  pool_.WithConnection([](Connection& c) {
    EXPECT_THROW(c.Execute("SELEC 1"), Error);
    EXPECT_THROW(c.Query("SELECT * FROM no_such_table"), Error);
    EXPECT_THROW(c.Query("SELECT ?, ?", {1}), Error);  // wrong number of parameters
    EXPECT_FALSE(c.Broken());
    EXPECT_EQ(c.QueryOne("SELECT 1 + ?", {1})->Int(0), 2);
  });
}

TEST_F(DbTest, CachedStatementSurvivesSchemaChange) {
  CreateItems();
  pool_.WithConnection([](Connection& c) {
    c.Execute("INSERT INTO items (name) VALUES ('a')");
    EXPECT_EQ(c.Query("SELECT * FROM items").at(0).Size(), 7U);
    c.Execute("ALTER TABLE items ADD COLUMN extra INT NOT NULL DEFAULT 5");
    const auto rows = c.Query("SELECT * FROM items");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].Size(), 8U);
    EXPECT_EQ(rows[0].Int(7), 5);
  });
}

TEST_F(DbTest, DeadlockIsRetriedAndBothTransactionsSucceed) {
  pool_.WithConnection([](Connection& c) {
    c.Execute("CREATE TABLE acct (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB");
    c.Execute("INSERT INTO acct VALUES (1, 0), (2, 0)");
  });
  std::latch both_hold_first_lock(2);
  std::atomic<int> calls{0};
  auto transfer = [&](int first, int second) {
    bool first_attempt = true;
    pool_.WithTransaction([&](Connection& c) {
      ++calls;
      c.Execute("UPDATE acct SET n = n + 1 WHERE id = ?", {first});
      if (first_attempt) {
        first_attempt = false;
        both_hold_first_lock.arrive_and_wait();  // now each waits for the other's row: a deadlock
      }
      c.Execute("UPDATE acct SET n = n + 1 WHERE id = ?", {second});
    });
  };
  std::exception_ptr error_a;
  std::exception_ptr error_b;
  std::thread a([&] {
    try {
      transfer(1, 2);
    } catch (...) {
      error_a = std::current_exception();
    }
  });
  std::thread b([&] {
    try {
      transfer(2, 1);
    } catch (...) {
      error_b = std::current_exception();
    }
  });
  a.join();
  b.join();
  EXPECT_FALSE(error_a);
  EXPECT_FALSE(error_b);
  EXPECT_EQ(calls.load(), 3);  // one of the two was chosen as the deadlock victim and ran again
  pool_.WithConnection([](Connection& c) {
    EXPECT_EQ(c.QueryOne("SELECT n FROM acct WHERE id = 1")->Int(0), 2);
    EXPECT_EQ(c.QueryOne("SELECT n FROM acct WHERE id = 2")->Int(0), 2);
  });
}

TEST_F(DbTest, NonRetryableErrorIsNotRetried) {
  CreateItems();
  int calls = 0;
  EXPECT_THROW(pool_.WithTransaction([&](Connection& c) {
    ++calls;
    c.Execute("INSERT INTO items (name) VALUES ('dup'), ('dup')");
  }),
               Error);
  EXPECT_EQ(calls, 1);
}

TEST_F(DbTest, KilledConnectionIsReplacedOnNextCall) {
  Options one = database_.Options();
  one.pool_size = 1;
  Pool pool(one);
  const auto first_id =
      pool.WithConnection([](Connection& c) { return c.QueryOne("SELECT CONNECTION_ID()")->Int(0); });
  pool_.WithConnection([&](Connection& c) { c.Execute("KILL CONNECTION " + std::to_string(first_id)); });
  // The server closes the killed session's socket; wait until it is gone from the process list.
  EXPECT_TRUE(Eventually([&] {
    return pool_.WithConnection([&](Connection& c) {
      return c.QueryOne("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?", {first_id})
                 ->Int(0) == 0;
    });
  }));
  asio::io_context io;
  auto next = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<std::int64_t> {
        co_return co_await pool.Run(
            [](Connection& c) { return c.QueryOne("SELECT CONNECTION_ID()")->Int(0); });
      },
      asio::use_future);
  io.run();
  const auto second_id = next.get();
  EXPECT_NE(second_id, first_id);
}

TEST_F(DbTest, ConnectionLostDuringCallFailsThenRecovers) {
  Options one = database_.Options();
  one.pool_size = 1;
  Pool pool(one);
  // The connection kills itself: the call in flight fails with a connection error.
  try {
    pool.WithConnection([](Connection& c) { c.Execute("KILL CONNECTION CONNECTION_ID()"); });
    ADD_FAILURE() << "expected the killed connection to fail";
  } catch (const Error& e) {
    EXPECT_TRUE(e.IsConnectionLost() || e.Code() == 1927U) << e.Code() << " " << e.what();
  }
  EXPECT_EQ(pool.WithConnection([](Connection& c) { return c.QueryOne("SELECT 7")->Int(0); }), 7);
}

TEST_F(DbTest, UnreachableServerFailsWithError) {
  Options nowhere = database_.Options();
  nowhere.port = 1;  // nothing listens there
  nowhere.connect_timeout = 2s;
  Pool pool(nowhere);
  EXPECT_THROW(pool.WithConnection([](Connection& c) { c.Execute("SELECT 1"); }), Error);
  EXPECT_FALSE(pool.Healthy());
  EXPECT_TRUE(pool_.Healthy());
}

TEST_F(DbTest, RunResumesOnCallerThreadAndReturnsValues) {
  CreateItems();
  asio::io_context io;
  const auto caller = std::this_thread::get_id();
  std::thread::id worker;
  std::thread::id after_run;
  std::thread::id after_void;
  std::thread::id after_transact;
  auto done = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<std::string> {
        co_await pool_.Transact([](Connection& c) { c.Execute("INSERT INTO items (name) VALUES ('co')"); });
        after_transact = std::this_thread::get_id();
        co_await pool_.Run([](Connection& c) { c.Execute("UPDATE items SET qty = 3"); });
        after_void = std::this_thread::get_id();
        auto name = co_await pool_.Run([&](Connection& c) {
          worker = std::this_thread::get_id();
          return c.QueryOne("SELECT name FROM items WHERE qty = 3")->String(0);
        });
        after_run = std::this_thread::get_id();
        co_return name;
      },
      asio::use_future);
  io.run();
  EXPECT_EQ(done.get(), "co");
  EXPECT_NE(worker, caller);  // the blocking call ran on the pool's threads
  EXPECT_EQ(after_transact, caller);
  EXPECT_EQ(after_void, caller);
  EXPECT_EQ(after_run, caller);
}

TEST_F(DbTest, RunPropagatesExceptionsOnCallerThread) {
  asio::io_context io;
  const auto caller = std::this_thread::get_id();
  std::thread::id caught_on;
  unsigned code = 0;
  bool caught_runtime = false;
  auto done = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await pool_.Run([](Connection& c) { return c.Query("SELECT * FROM does_not_exist"); });
        } catch (const Error& e) {
          code = e.Code();
          caught_on = std::this_thread::get_id();
        }
        try {
          co_await pool_.Transact([](Connection&) -> int { throw std::runtime_error("mine"); });
        } catch (const std::runtime_error& e) {
          caught_runtime = std::string(e.what()) == "mine" && std::this_thread::get_id() == caller;
        }
      },
      asio::use_future);
  io.run();
  done.get();
  EXPECT_EQ(code, 1146U);  // no such table
  EXPECT_EQ(caught_on, caller);
  EXPECT_TRUE(caught_runtime);
}

TEST_F(DbTest, ManyConcurrentRunsShareThePool) {
  CreateItems();
  asio::io_context io;
  constexpr int kTasks = 50;
  std::atomic<int> finished{0};
  for (int i = 0; i < kTasks; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          co_await pool_.Transact([i](Connection& c) {
            c.Execute("INSERT INTO items (name, qty) VALUES (?, ?)", {"n" + std::to_string(i), i});
          });
          ++finished;
        },
        asio::detached);
  }
  io.run();
  EXPECT_EQ(finished.load(), kTasks);
  EXPECT_EQ(CountItems(), kTasks);
}

TEST_F(DbTest, WaitingForAFreeConnectionTimesOut) {
  Options one = database_.Options();
  one.pool_size = 1;
  one.acquire_timeout = 200ms;
  Pool pool(one);
  pool.WithConnection([&](Connection&) {
    // The only connection is lent out: a second borrow cannot get one.
    EXPECT_THROW(pool.WithConnection([](Connection&) {}), Error);
  });
  EXPECT_TRUE(pool.Healthy());

  // /metrics sees it: two borrows granted (the first and Healthy's), one that waited and gave up.
  const PoolStats stats = pool.Stats();
  EXPECT_EQ(stats.size, 1);
  EXPECT_EQ(stats.open, 1);
  EXPECT_EQ(stats.idle, 1);
  EXPECT_EQ(stats.acquires, 2U);
  EXPECT_EQ(stats.waits, 1U);
  EXPECT_EQ(stats.timeouts, 1U);
  EXPECT_GE(stats.wait_seconds, 0.2);  // it waited out its whole acquire_timeout
}

}  // namespace
}  // namespace bookstore::db
