#include "filters/client_ip/client_ip.h"

#include <gtest/gtest.h>

namespace bookstore::gateway {
namespace {

TEST(ClientIpTest, UntrustedPeerIsTheClientWhateverItClaims) {
  const auto trusted = CidrSet::Parse({"10.0.0.0/8"});
  EXPECT_EQ(ResolveClientIp("203.0.113.9", "1.2.3.4", trusted), "203.0.113.9");
  EXPECT_EQ(ResolveClientIp("203.0.113.9", "", trusted), "203.0.113.9");
}

TEST(ClientIpTest, NoTrustedProxiesMeansThePeer) {
  EXPECT_EQ(ResolveClientIp("127.0.0.1", "1.2.3.4", CidrSet{}), "127.0.0.1");
}

TEST(ClientIpTest, TrustedPeerForwardsTheClient) {
  const auto trusted = CidrSet::Parse({"10.0.0.0/8"});
  EXPECT_EQ(ResolveClientIp("10.0.0.2", "198.51.100.7", trusted), "198.51.100.7");
}

TEST(ClientIpTest, RightmostUntrustedEntryWinsOverForgedOnes) {
  // The client wrote "6.6.6.6" itself; its real address is the one the first trusted proxy appended.
  const auto trusted = CidrSet::Parse({"10.0.0.0/8"});
  EXPECT_EQ(ResolveClientIp("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9", trusted), "198.51.100.7");
}

TEST(ClientIpTest, EveryEntryTrustedGivesTheLeftmost) {
  const auto trusted = CidrSet::Parse({"10.0.0.0/8"});
  EXPECT_EQ(ResolveClientIp("10.0.0.2", "10.0.0.7,10.0.0.8", trusted), "10.0.0.7");
}

TEST(ClientIpTest, PortsAndBracketsAreIgnored) {
  const auto trusted = CidrSet::Parse({"127.0.0.1"});
  EXPECT_EQ(ResolveClientIp("127.0.0.1", "198.51.100.7:4711", trusted), "198.51.100.7");
  EXPECT_EQ(ResolveClientIp("127.0.0.1", "[2001:db8::5]:443", trusted), "2001:db8::5");
  EXPECT_EQ(ResolveClientIp("127.0.0.1", " 2001:db8::5 ", trusted), "2001:db8::5");
}

TEST(ClientIpTest, GarbageStopsAtTheLastTrustedHop) {
  const auto trusted = CidrSet::Parse({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(ResolveClientIp("127.0.0.1", "not-an-ip", trusted), "127.0.0.1");
  EXPECT_EQ(ResolveClientIp("127.0.0.1", "junk, 10.1.1.1", trusted), "10.1.1.1");
}

TEST(ClientIpTest, UpstreamChainKeepsTrustedHistoryOnly) {
  const auto trusted = CidrSet::Parse({"10.0.0.0/8"});
  EXPECT_EQ(ForwardedForUpstream("10.0.0.2", "198.51.100.7", trusted), "198.51.100.7, 10.0.0.2");
  EXPECT_EQ(ForwardedForUpstream("203.0.113.9", "6.6.6.6", trusted), "203.0.113.9");
  EXPECT_EQ(ForwardedForUpstream("10.0.0.2", "", trusted), "10.0.0.2");
}

}  // namespace
}  // namespace bookstore::gateway
