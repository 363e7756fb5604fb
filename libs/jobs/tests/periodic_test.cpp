#include "bookstore/jobs/periodic.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "bookstore/testing/testing.h"

namespace bookstore::jobs {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

TEST(PeriodicTest, RunsAtOnceAndAgainEveryInterval) {
  std::atomic<int> rounds = 0;
  const Periodic job("counting", milliseconds(5), [&] { ++rounds; });
  EXPECT_TRUE(testing::Eventually([&] { return rounds >= 3; })) << rounds;
}

TEST(PeriodicTest, AFailingRoundIsFollowedByTheNextOne) {
  std::atomic<int> rounds = 0;
  const Periodic job("failing", milliseconds(5), [&] {
    ++rounds;
    throw std::runtime_error("the database is away");
  });
  EXPECT_TRUE(testing::Eventually([&] { return rounds >= 2; })) << rounds;
}

TEST(PeriodicTest, DestructionStopsTheWaitAndAfterIntervalSkipsTheFirstRound) {
  std::atomic<int> rounds = 0;
  {
    // An hour's interval: destroying it must cut the wait short (the test would hang otherwise), and
    // the round that was to come after it never runs.
    const Periodic job(
        "later", hours(1), [&] { ++rounds; }, Periodic::FirstRound::kAfterInterval);
  }
  EXPECT_EQ(rounds, 0);
  {
    const Periodic job("at once", hours(1), [&] { ++rounds; });
    EXPECT_TRUE(testing::Eventually([&] { return rounds == 1; }));
  }
  EXPECT_EQ(rounds, 1);
}

}  // namespace
}  // namespace bookstore::jobs
