#include "filters/client_ip/cidr.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bookstore::gateway {
namespace {

TEST(IpAddressTest, ParsesIpv4AndIpv6) {
  ASSERT_TRUE(IpAddress::Parse("10.0.0.1"));
  EXPECT_TRUE(IpAddress::Parse("10.0.0.1")->v4);
  ASSERT_TRUE(IpAddress::Parse("::1"));
  EXPECT_FALSE(IpAddress::Parse("::1")->v4);
  EXPECT_EQ(IpAddress::Parse("2001:db8::1")->ToString(), "2001:db8::1");
  EXPECT_EQ(IpAddress::Parse("192.168.1.20")->ToString(), "192.168.1.20");
}

TEST(IpAddressTest, Ipv4MappedIpv6IsTheSameAddress) {
  EXPECT_EQ(*IpAddress::Parse("::ffff:10.0.0.1"), *IpAddress::Parse("10.0.0.1"));
  EXPECT_EQ(IpAddress::Parse("::ffff:10.0.0.1")->ToString(), "10.0.0.1");
}

TEST(IpAddressTest, RefusesWhatIsNotAnAddress) {
  for (const char* text : {"", "10.0.0", "10.0.0.256", "10.0.0.1:80", " 10.0.0.1", "example.com", "::g",
                           "1.2.3.4.5", "fe80::1%eth0"}) {
    EXPECT_FALSE(IpAddress::Parse(text)) << text;
  }
}

TEST(CidrRangeTest, MatchesIpv4Prefixes) {
  const auto range = CidrRange::Parse("10.0.0.0/8");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("10.255.1.2")));
  EXPECT_FALSE(range->Contains(*IpAddress::Parse("11.0.0.1")));

  const auto odd = CidrRange::Parse("192.168.1.64/26");  // .64 - .127
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->Contains(*IpAddress::Parse("192.168.1.64")));
  EXPECT_TRUE(odd->Contains(*IpAddress::Parse("192.168.1.127")));
  EXPECT_FALSE(odd->Contains(*IpAddress::Parse("192.168.1.63")));
  EXPECT_FALSE(odd->Contains(*IpAddress::Parse("192.168.1.128")));
}

TEST(CidrRangeTest, ASingleAddressIsAFullPrefix) {
  const auto range = CidrRange::Parse("172.16.0.5");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("172.16.0.5")));
  EXPECT_FALSE(range->Contains(*IpAddress::Parse("172.16.0.4")));
}

TEST(CidrRangeTest, HostBitsAreCleared) {
  const auto range = CidrRange::Parse("10.1.2.3/8");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("10.200.0.1")));
}

TEST(CidrRangeTest, ZeroPrefixMatchesItsFamilyOnly) {
  const auto all_v4 = CidrRange::Parse("0.0.0.0/0");
  ASSERT_TRUE(all_v4);
  EXPECT_TRUE(all_v4->Contains(*IpAddress::Parse("8.8.8.8")));
  EXPECT_FALSE(all_v4->Contains(*IpAddress::Parse("2001:db8::1")));
  const auto all = CidrRange::Parse("::/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->Contains(*IpAddress::Parse("2001:db8::1")));
}

TEST(CidrRangeTest, MatchesIpv6Prefixes) {
  const auto range = CidrRange::Parse("fd00::/8");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("fd12:3456::1")));
  EXPECT_FALSE(range->Contains(*IpAddress::Parse("fe80::1")));
  const auto loopback = CidrRange::Parse("::1/128");
  ASSERT_TRUE(loopback);
  EXPECT_TRUE(loopback->Contains(*IpAddress::Parse("::1")));
  EXPECT_FALSE(loopback->Contains(*IpAddress::Parse("::2")));
}

TEST(CidrRangeTest, Ipv4RangeMatchesMappedAddresses) {
  const auto range = CidrRange::Parse("127.0.0.0/8");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->Contains(*IpAddress::Parse("::ffff:127.0.0.1")));
}

TEST(CidrRangeTest, RefusesMalformedRanges) {
  for (const char* text :
       {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8x", "::/129", "/8", "x/8", "10.0.0.0/ 8"}) {
    EXPECT_FALSE(CidrRange::Parse(text)) << text;
  }
}

TEST(CidrSetTest, ContainsAnyOfItsRanges) {
  const auto set = CidrSet::Parse({"10.0.0.0/8", "192.168.1.5", "::1"});
  EXPECT_TRUE(set.Contains("10.9.9.9"));
  EXPECT_TRUE(set.Contains("192.168.1.5"));
  EXPECT_TRUE(set.Contains("::1"));
  EXPECT_FALSE(set.Contains("192.168.1.6"));
  EXPECT_FALSE(set.Contains("not an ip"));
}

TEST(CidrSetTest, EmptySetContainsNothing) {
  const CidrSet set;
  EXPECT_TRUE(set.Empty());
  EXPECT_FALSE(set.Contains("127.0.0.1"));
}

TEST(CidrSetTest, ParseNamesTheBadEntry) {
  try {
    (void)CidrSet::Parse({"10.0.0.0/8", "10.0.0.0/99"});
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("10.0.0.0/99"), std::string::npos);
  }
}

}  // namespace
}  // namespace bookstore::gateway
