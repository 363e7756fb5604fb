// Restarts the test MariaDB through $BOOKSTORE_TEST_INFRA: only for ./bookstore test's throwaway
// instance (label "infra", RUN_SERIAL so no other test runs meanwhile). Never point it at shared servers.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "bookstore/db/db.h"
#include "bookstore/testing/testing.h"

namespace bookstore::db {
namespace {

namespace asio = boost::asio;
using bookstore::testing::InfraCommand;
using bookstore::testing::TestDatabase;

TEST(DbRestart, PoolRecoversAfterMariadbRestart) {
  TestDatabase database("restart");
  Pool pool(database.Options());
  // Three connections lent at once, so that three go stale in the pool during the restart.
  pool.WithConnection([&](Connection& a) {
    a.Execute("CREATE TABLE t (id INT PRIMARY KEY)");
    a.Execute("INSERT INTO t VALUES (1)");
    pool.WithConnection([&](Connection& b) {
      pool.WithConnection([&](Connection& c) { c.Execute("SELECT 1"); });
      b.Execute("SELECT 1");
    });
  });

  ASSERT_EQ(InfraCommand("restart mariadb"), 0);

  // The very next calls succeed on fresh connections, blocking and from a coroutine.
  EXPECT_EQ(pool.WithConnection([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM t")->Int(0); }),
            1);
  asio::io_context io;
  auto inserted = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<std::int64_t> {
        co_await pool.Transact([](Connection& c) { c.Execute("INSERT INTO t VALUES (2)"); });
        co_return co_await pool.Run(
            [](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM t")->Int(0); });
      },
      asio::use_future);
  io.run();
  EXPECT_EQ(inserted.get(), 2);
  EXPECT_TRUE(pool.Healthy());
}

}  // namespace
}  // namespace bookstore::db
