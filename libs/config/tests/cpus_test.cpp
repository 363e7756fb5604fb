#include "bookstore/config/cpus.h"

#include <gtest/gtest.h>
#include <sched.h>

namespace bookstore::config {
namespace {

TEST(CpusTest, Cgroup2QuotaIsRoundedUpToWholeCpus) {
  EXPECT_EQ(CpusOfCgroup2Max("100000 100000\n"), 1);
  EXPECT_EQ(CpusOfCgroup2Max("150000 100000\n"), 2);
  EXPECT_EQ(CpusOfCgroup2Max("200000 100000"), 2);
  EXPECT_EQ(CpusOfCgroup2Max("5000 100000\n"), 1);  // a twentieth of a CPU still runs one thread
}

TEST(CpusTest, Cgroup2WithoutQuotaOrUnreadableSetsNoLimit) {
  EXPECT_EQ(CpusOfCgroup2Max("max 100000\n"), std::nullopt);
  EXPECT_EQ(CpusOfCgroup2Max(""), std::nullopt);
  EXPECT_EQ(CpusOfCgroup2Max("100000"), std::nullopt);
  EXPECT_EQ(CpusOfCgroup2Max("100000 0"), std::nullopt);
}

TEST(CpusTest, Cgroup1QuotaIsRoundedUpAndMinusOneSetsNoLimit) {
  EXPECT_EQ(CpusOfCgroup1Quota("100000\n", "100000\n"), 1);
  EXPECT_EQ(CpusOfCgroup1Quota("250000\n", "100000\n"), 3);
  EXPECT_EQ(CpusOfCgroup1Quota("-1\n", "100000\n"), std::nullopt);
  EXPECT_EQ(CpusOfCgroup1Quota("x", "100000"), std::nullopt);
}

TEST(CpusTest, UsableCpusIsWithinTheAffinityMask) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  const int usable = UsableCpus();
  EXPECT_GE(usable, 1);
  EXPECT_LE(usable, CPU_COUNT(&set));
}

}  // namespace
}  // namespace bookstore::config
