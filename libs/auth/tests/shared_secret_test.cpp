#include "bookstore/auth/shared_secret.h"

#include <gtest/gtest.h>

namespace bookstore::auth {
namespace {

TEST(SharedSecretTest, MatchesOnlyTheSameNonEmptySecret) {
  EXPECT_TRUE(SharedSecretMatches("s3cret-of-web-and-gateway", "s3cret-of-web-and-gateway"));
  EXPECT_FALSE(SharedSecretMatches("s3cret-of-web-and-gatewaY", "s3cret-of-web-and-gateway"));
  EXPECT_FALSE(SharedSecretMatches("s3cret", "s3cret-of-web-and-gateway"));
  EXPECT_FALSE(SharedSecretMatches("", "s3cret-of-web-and-gateway"));
  EXPECT_FALSE(SharedSecretMatches("", ""));  // nothing configured: nobody proves anything
}

}  // namespace
}  // namespace bookstore::auth
