#include "bookstore/http/cluster.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "bookstore/http/resolver.h"

namespace bookstore::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr SteadyClock::time_point kNow = SteadyClock::time_point{} + std::chrono::hours(1);

Cluster ThreeReplicas(HealthPolicy policy = {}) {
  return Cluster("test", {"http://10.0.0.1:5002", "http://10.0.0.2:5002", "10.0.0.3:5002"}, policy);
}

std::map<std::string, int> PickMany(Cluster& cluster, int n, SteadyClock::time_point now) {
  std::map<std::string, int> counts;
  for (int i = 0; i < n; ++i) {
    auto replica = cluster.Pick(now);
    if (replica) ++counts[replica->address()];
  }
  return counts;
}

TEST(ClusterTest, LiteralUrlsAreReplicasAtOnce) {
  auto cluster = ThreeReplicas();
  EXPECT_TRUE(cluster.Configured());
  EXPECT_EQ(cluster.Size(), 3U);
}

TEST(ClusterTest, EmptyUrlListIsNotConfigured) {
  Cluster cluster("none", {});
  EXPECT_FALSE(cluster.Configured());
  EXPECT_EQ(cluster.Pick(kNow), nullptr);
}

TEST(ClusterTest, BadUrlIsRefused) {
  EXPECT_THROW(Cluster("bad", {"https://10.0.0.1"}), std::invalid_argument);
  EXPECT_THROW(Cluster("bad", {"http://10.0.0.1:5002/path"}), std::invalid_argument);
}

TEST(ClusterTest, HostNamesWaitForTheResolver) {
  Cluster cluster("named", {"http://tasks.catalog:5002"});
  EXPECT_TRUE(cluster.Configured());
  EXPECT_EQ(cluster.Size(), 0U);
}

TEST(ClusterTest, RoundRobinSpreadsEvenly) {
  auto cluster = ThreeReplicas();
  const auto counts = PickMany(cluster, 300, kNow);
  ASSERT_EQ(counts.size(), 3U);
  for (const auto& [address, n] : counts) EXPECT_EQ(n, 100) << address;
}

TEST(ClusterTest, ConnectFailureSetsAReplicaAsideAtOnce) {
  auto cluster = ThreeReplicas();
  auto bad = cluster.Pick(kNow);
  cluster.Report(*bad, Outcome::kConnectFailure, kNow);
  EXPECT_TRUE(bad->Ejected(kNow));
  const auto counts = PickMany(cluster, 100, kNow);
  EXPECT_EQ(counts.count(bad->address()), 0U);
  EXPECT_EQ(counts.size(), 2U);
}

TEST(ClusterTest, Status503SetsAReplicaAsideAtOnce) {
  auto cluster = ThreeReplicas();
  auto draining = cluster.Pick(kNow);
  cluster.Report(*draining, Outcome::kUnavailable, kNow);
  EXPECT_TRUE(draining->Ejected(kNow));
}

TEST(ClusterTest, ConnectionDroppedWithoutAnswerSetsAReplicaAsideAtOnce) {
  auto cluster = ThreeReplicas();
  auto dying = cluster.Pick(kNow);
  cluster.Report(*dying, Outcome::kDropped, kNow);
  EXPECT_TRUE(dying->Ejected(kNow));
}

TEST(ClusterTest, OtherFailuresCountInARow) {
  auto cluster = ThreeReplicas({.consecutive_failures = 3});
  auto replica = cluster.Pick(kNow);
  cluster.Report(*replica, Outcome::kServerError, kNow);
  cluster.Report(*replica, Outcome::kTimeout, kNow);
  EXPECT_FALSE(replica->Ejected(kNow));
  cluster.Report(*replica, Outcome::kSuccess, kNow);  // the streak is broken
  cluster.Report(*replica, Outcome::kBroken, kNow);
  cluster.Report(*replica, Outcome::kServerError, kNow);
  EXPECT_FALSE(replica->Ejected(kNow));
  cluster.Report(*replica, Outcome::kServerError, kNow);
  EXPECT_TRUE(replica->Ejected(kNow));
}

TEST(ClusterTest, EjectedReplicaIsRetriedLaterWithGrowingPauses) {
  auto cluster =
      ThreeReplicas({.consecutive_failures = 5, .base_ejection = seconds(2), .max_ejection = seconds(5)});
  auto replica = cluster.Pick(kNow);
  cluster.Report(*replica, Outcome::kConnectFailure, kNow);
  EXPECT_TRUE(replica->Ejected(kNow + milliseconds(1999)));
  EXPECT_FALSE(replica->Ejected(kNow + seconds(2)));

  // Failing again right after its return: twice as long, then capped.
  auto t = kNow + seconds(2);
  cluster.Report(*replica, Outcome::kConnectFailure, t);
  EXPECT_TRUE(replica->Ejected(t + milliseconds(3999)));
  EXPECT_FALSE(replica->Ejected(t + seconds(4)));
  t += seconds(4);
  cluster.Report(*replica, Outcome::kConnectFailure, t);
  EXPECT_FALSE(replica->Ejected(t + seconds(5)));

  // A success resets the pause.
  t += seconds(5);
  cluster.Report(*replica, Outcome::kSuccess, t);
  cluster.Report(*replica, Outcome::kConnectFailure, t);
  EXPECT_FALSE(replica->Ejected(t + seconds(2)));
}

TEST(ClusterTest, ParallelFailuresDoNotStackEjections) {
  auto cluster =
      ThreeReplicas({.consecutive_failures = 5, .base_ejection = seconds(2), .max_ejection = seconds(60)});
  auto replica = cluster.Pick(kNow);
  for (int i = 0; i < 10; ++i) cluster.Report(*replica, Outcome::kConnectFailure, kNow);
  EXPECT_FALSE(replica->Ejected(kNow + seconds(2)));
}

TEST(ClusterTest, PanicModeWhenEveryReplicaIsAside) {
  auto cluster = ThreeReplicas();
  for (const auto& replica : cluster.Replicas()) cluster.Report(*replica, Outcome::kConnectFailure, kNow);
  const auto counts = PickMany(cluster, 30, kNow);
  EXPECT_EQ(counts.size(), 3U);  // still spread, rather than refusing everything
}

TEST(ClusterTest, ExcludesReplicasAlreadyTried) {
  auto cluster = ThreeReplicas();
  std::vector<const Replica*> tried;
  for (int i = 0; i < 3; ++i) {
    auto replica = cluster.Pick(kNow, tried);
    ASSERT_NE(replica, nullptr);
    for (const auto* seen : tried) EXPECT_NE(seen, replica.get());
    tried.push_back(replica.get());
  }
  EXPECT_EQ(cluster.Pick(kNow, tried), nullptr);
}

TEST(ClusterTest, ExcludedHealthyReplicaBeatsNothingButNotAHealthyOne) {
  auto cluster = ThreeReplicas();
  const auto replicas = cluster.Replicas();
  cluster.Report(*replicas[1], Outcome::kConnectFailure, kNow);
  std::vector<const Replica*> tried{replicas[0].get()};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(cluster.Pick(kNow, tried), replicas[2]);
  tried.push_back(replicas[2].get());
  EXPECT_EQ(cluster.Pick(kNow, tried), replicas[1]);  // panic: the only one left
}

TEST(ClusterTest, NewAddressListKeepsHealthOfSurvivors) {
  auto cluster = ThreeReplicas();
  auto replicas = cluster.Replicas();
  cluster.Report(*replicas[0], Outcome::kConnectFailure, kNow);
  cluster.SetReplicas({replicas[0]->upstream(), Upstream{"10.0.0.9", 5002}});
  const auto updated = cluster.Replicas();
  ASSERT_EQ(updated.size(), 2U);
  EXPECT_EQ(updated[0], replicas[0]);
  EXPECT_TRUE(updated[0]->Ejected(kNow));
  EXPECT_EQ(updated[1]->address(), "10.0.0.9:5002");
}

TEST(ClusterTest, DuplicateAddressesCountOnce) {
  Cluster cluster("dup", {"http://10.0.0.1:5002", "http://10.0.0.1:5002"});
  EXPECT_EQ(cluster.Size(), 1U);
}

TEST(ResolverTest, ResolvesLocalhostIntoAReplica) {
  Cluster cluster("local", {"http://localhost:5999"});
  const Resolver resolver({&cluster}, std::chrono::milliseconds(0));
  ASSERT_GE(cluster.Size(), 1U);
  for (const auto& replica : cluster.Replicas()) {
    EXPECT_EQ(replica->upstream().port, 5999);
    EXPECT_TRUE(IsIpLiteral(replica->upstream().host)) << replica->upstream().host;
  }
}

TEST(ResolverTest, UnknownNameLeavesTheClusterEmpty) {
  Cluster cluster("nowhere", {"http://no-such-host.invalid:5002"});
  const Resolver resolver({&cluster}, std::chrono::milliseconds(0));
  EXPECT_EQ(cluster.Size(), 0U);
}

TEST(ResolverTest, LiteralsNeedNoLookup) {
  EXPECT_EQ(ResolveHost("10.1.2.3"), std::vector<std::string>{"10.1.2.3"});
  EXPECT_TRUE(IsIpLiteral("::1"));
  EXPECT_FALSE(IsIpLiteral("tasks.catalog"));
}

}  // namespace
}  // namespace bookstore::http
