#include "bookstore/http/client_address.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace bookstore::http {
namespace {

TEST(ParseIpAddressTest, ParsesIpv4AndIpv6) {
  ASSERT_TRUE(ParseIpAddress("10.0.0.1"));
  EXPECT_TRUE(ParseIpAddress("10.0.0.1")->is_v4());
  ASSERT_TRUE(ParseIpAddress("::1"));
  EXPECT_TRUE(ParseIpAddress("::1")->is_v6());
  EXPECT_EQ(ParseIpAddress("2001:db8::1")->to_string(), "2001:db8::1");
  EXPECT_EQ(ParseIpAddress("192.168.1.20")->to_string(), "192.168.1.20");
}

TEST(ParseIpAddressTest, Ipv4MappedIpv6IsTheSameAddress) {
  EXPECT_EQ(*ParseIpAddress("::ffff:10.0.0.1"), *ParseIpAddress("10.0.0.1"));
  EXPECT_EQ(ParseIpAddress("::ffff:10.0.0.1")->to_string(), "10.0.0.1");
}

TEST(ParseIpAddressTest, RefusesWhatIsNotAnAddress) {
  for (const char* text : {"", "10.0.0", "10.0.0.256", "10.0.0.1:80", " 10.0.0.1", "example.com", "::g",
                           "1.2.3.4.5", "fe80::1%eth0", "fe80::1%1"}) {
    EXPECT_FALSE(ParseIpAddress(text)) << text;
  }
}

TEST(TrustedProxiesTest, MatchesIpv4Prefixes) {
  const TrustedProxies range({"10.0.0.0/8"});
  EXPECT_TRUE(range.Contains("10.255.1.2"));
  EXPECT_FALSE(range.Contains("11.0.0.1"));

  const TrustedProxies odd({"192.168.1.64/26"});  // .64 - .127
  EXPECT_TRUE(odd.Contains("192.168.1.64"));
  EXPECT_TRUE(odd.Contains("192.168.1.127"));
  EXPECT_FALSE(odd.Contains("192.168.1.63"));
  EXPECT_FALSE(odd.Contains("192.168.1.128"));
}

TEST(TrustedProxiesTest, ASingleAddressIsAFullPrefix) {
  const TrustedProxies single({"172.16.0.5"});
  EXPECT_TRUE(single.Contains("172.16.0.5"));
  EXPECT_FALSE(single.Contains("172.16.0.4"));
}

TEST(TrustedProxiesTest, HostBitsAreCleared) {
  EXPECT_TRUE(TrustedProxies({"10.1.2.3/8"}).Contains("10.200.0.1"));
}

TEST(TrustedProxiesTest, ZeroPrefixMatchesItsFamilyOnly) {
  const TrustedProxies all_v4({"0.0.0.0/0"});
  EXPECT_TRUE(all_v4.Contains("8.8.8.8"));
  EXPECT_FALSE(all_v4.Contains("2001:db8::1"));
  EXPECT_TRUE(TrustedProxies({"::/0"}).Contains("2001:db8::1"));
}

TEST(TrustedProxiesTest, MatchesIpv6Prefixes) {
  const TrustedProxies range({"fd00::/8"});
  EXPECT_TRUE(range.Contains("fd12:3456::1"));
  EXPECT_FALSE(range.Contains("fe80::1"));
  const TrustedProxies loopback({"::1/128"});
  EXPECT_TRUE(loopback.Contains("::1"));
  EXPECT_FALSE(loopback.Contains("::2"));
}

TEST(TrustedProxiesTest, Ipv4RangeMatchesMappedAddresses) {
  EXPECT_TRUE(TrustedProxies({"127.0.0.0/8"}).Contains("::ffff:127.0.0.1"));
}

TEST(TrustedProxiesTest, RefusesMalformedRangesNamingTheEntry) {
  for (const char* text : {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8x", "::/129", "/8", "x/8",
                           "10.0.0.0/ 8", "fe80::/10%eth0"}) {
    try {
      const TrustedProxies proxies({"10.0.0.0/8", text});
      ADD_FAILURE() << "accepted " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  }
}

TEST(TrustedProxiesTest, ContainsAnyOfItsRangesAndNothingWhenEmpty) {
  const TrustedProxies set({"10.0.0.0/8", "192.168.1.5", "::1"});
  EXPECT_TRUE(set.Contains("10.9.9.9"));
  EXPECT_TRUE(set.Contains("192.168.1.5"));
  EXPECT_TRUE(set.Contains("::1"));
  EXPECT_FALSE(set.Contains("192.168.1.6"));
  EXPECT_FALSE(set.Contains("not an ip"));
  const TrustedProxies none;
  EXPECT_TRUE(none.Empty());
  EXPECT_FALSE(none.Contains("127.0.0.1"));
}

TEST(ResolveClientAddressTest, UntrustedPeerIsTheClientWhateverItClaims) {
  const TrustedProxies trusted({"10.0.0.0/8"});
  EXPECT_EQ(ResolveClientAddress("203.0.113.9", "1.2.3.4", trusted), "203.0.113.9");
  EXPECT_EQ(ResolveClientAddress("203.0.113.9", "", trusted), "203.0.113.9");
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "1.2.3.4", TrustedProxies{}), "127.0.0.1");
}

TEST(ResolveClientAddressTest, TrustedPeerForwardsTheClient) {
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", "198.51.100.7", TrustedProxies({"10.0.0.0/8"})), "198.51.100.7");
}

TEST(ResolveClientAddressTest, RightmostUntrustedEntryWinsOverForgedOnes) {
  // The client wrote "6.6.6.6" itself; its real address is the one the first trusted proxy appended.
  const TrustedProxies trusted({"10.0.0.0/8"});
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9", trusted), "198.51.100.7");
}

TEST(ResolveClientAddressTest, EveryEntryTrustedGivesTheLeftmost) {
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", "10.0.0.7,10.0.0.8", TrustedProxies({"10.0.0.0/8"})),
            "10.0.0.7");
}

TEST(ResolveClientAddressTest, PortsBracketsAndBlanksAreIgnored) {
  const TrustedProxies trusted({"127.0.0.1"});
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "198.51.100.7:4711", trusted), "198.51.100.7");
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "[2001:db8::5]:443", trusted), "2001:db8::5");
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", " 2001:db8::5 ", trusted), "2001:db8::5");
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "198.51.100.7, ,", trusted), "198.51.100.7");
}

TEST(ResolveClientAddressTest, GarbageStopsAtTheLastTrustedHop) {
  const TrustedProxies trusted({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "not-an-ip", trusted), "127.0.0.1");
  EXPECT_EQ(ResolveClientAddress("127.0.0.1", "junk, 10.1.1.1", trusted), "10.1.1.1");
}

TEST(ForwardedForUpstreamTest, KeepsTrustedHistoryOnly) {
  const TrustedProxies trusted({"10.0.0.0/8"});
  EXPECT_EQ(ForwardedForUpstream("10.0.0.2", "198.51.100.7", trusted), "198.51.100.7, 10.0.0.2");
  EXPECT_EQ(ForwardedForUpstream("203.0.113.9", "6.6.6.6", trusted), "203.0.113.9");
  EXPECT_EQ(ForwardedForUpstream("10.0.0.2", "", trusted), "10.0.0.2");
}

}  // namespace
}  // namespace bookstore::http
