// Integration tests of db::Batcher (group commit) against the real MariaDB (BOOKSTORE_TEST_DB_*).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "bookstore/db/batcher.h"
#include "bookstore/testing/testing.h"

namespace bookstore::db {
namespace {

namespace asio = boost::asio;
using bookstore::testing::TestDatabase;

// A name to insert; a name starting with "refuse" is refused, one starting with "break" breaks the batch.
struct Insert {
  std::string name;  // longer than the short-string buffer, and short ones: both must survive the queue
};

using Inserter = Batcher<Insert, std::int64_t>;

class BatcherTest : public ::testing::Test {
 protected:
  TestDatabase database_{"batcher"};
  Pool pool_{database_.Options()};
  std::atomic<int> batches_{0};
  std::atomic<std::size_t> largest_batch_{0};

  void SetUp() override {
    pool_.WithConnection([](Connection& c) {
      c.Execute(
          "CREATE TABLE names (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE)");
    });
  }

  Inserter::Handler InsertNames() {
    return [this](std::span<const Insert> batch, Connection& c) {
      ++batches_;
      largest_batch_ = std::max(largest_batch_.load(), batch.size());
      std::vector<Inserter::Outcome> outcomes(batch.size());
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (batch[i].name.starts_with("refuse")) {
          outcomes[i].error = std::make_exception_ptr(std::invalid_argument("refused: " + batch[i].name));
          continue;
        }
        if (batch[i].name.starts_with("break")) throw std::runtime_error("this batch cannot be written");
        outcomes[i].result = static_cast<std::int64_t>(
            c.Execute("INSERT INTO names (name) VALUES (?)", {batch[i].name}).insert_id);
      }
      return outcomes;
    };
  }

  // Submits every name at once from one event loop; returns each one's id, or -1 when it threw.
  std::vector<std::int64_t> SubmitAll(Inserter& inserter, const std::vector<std::string>& names) {
    asio::io_context io;
    std::vector<std::int64_t> ids(names.size(), 0);
    for (std::size_t i = 0; i < names.size(); ++i) {
      asio::co_spawn(
          io,
          [&, i]() -> asio::awaitable<void> {
            Insert insert{names[i]};
            try {
              ids[i] = co_await inserter.Submit(std::move(insert));
            } catch (const std::exception&) {
              ids[i] = -1;
            }
          },
          asio::detached);
    }
    io.run();
    return ids;
  }

  std::vector<std::string> StoredNames() {
    std::vector<std::string> names;
    pool_.WithConnection([&](Connection& c) {
      for (const Row& row : c.Query("SELECT name FROM names ORDER BY name")) names.push_back(row.String(0));
    });
    return names;
  }
};

TEST_F(BatcherTest, RequestsWaitingTogetherShareATransactionAndEachGetsItsOwnResult) {
  Inserter inserter(pool_, InsertNames());
  std::vector<std::string> names;
  names.reserve(50);
  for (int i = 0; i < 50; ++i) {
    names.push_back(i % 2 == 0 ? "n" + std::to_string(i) : "a rather longer name " + std::to_string(i));
  }
  const auto ids = SubmitAll(inserter, names);
  std::set<std::int64_t> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), names.size());
  EXPECT_GT(*distinct.begin(), 0);
  EXPECT_LT(batches_.load(), 50) << "requests submitted together should share batches";
  EXPECT_GT(largest_batch_.load(), 1U);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(StoredNames(), names);
}

TEST_F(BatcherTest, ARefusedRequestGetsItsErrorAndTheOthersAreWritten) {
  Inserter inserter(pool_, InsertNames());
  const auto ids = SubmitAll(inserter, {"first", "refuse me", "second"});
  EXPECT_GT(ids[0], 0);
  EXPECT_EQ(ids[1], -1);
  EXPECT_GT(ids[2], 0);
  EXPECT_EQ(StoredNames(), (std::vector<std::string>{"first", "second"}));
}

TEST_F(BatcherTest, AFailedBatchIsRunAgainOneRequestAtATime) {
  Inserter inserter(pool_, InsertNames());
  // "break" fails its whole batch, rolling back what the batch wrote; alone, the others go through.
  const auto ids = SubmitAll(inserter, {"one", "two", "break", "three"});
  EXPECT_GT(ids[0], 0);
  EXPECT_GT(ids[1], 0);
  EXPECT_EQ(ids[2], -1);
  EXPECT_GT(ids[3], 0);
  EXPECT_EQ(StoredNames(), (std::vector<std::string>{"one", "three", "two"}));
}

}  // namespace
}  // namespace bookstore::db
