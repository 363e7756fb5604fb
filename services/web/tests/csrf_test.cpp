#include "session/csrf.h"

#include <gtest/gtest.h>

#include "bookstore/auth/sodium.h"

namespace bookstore::web {
namespace {

TEST(CsrfTest, AcceptsOnlyTheSessionsToken) {
  const Session session = NewSession(0);
  EXPECT_TRUE(CsrfTokenValid(session, session.csrf));
  EXPECT_FALSE(CsrfTokenValid(session, std::nullopt)) << "missing";
  EXPECT_FALSE(CsrfTokenValid(session, "")) << "empty";
  EXPECT_FALSE(CsrfTokenValid(session, session.csrf.substr(1))) << "shorter";
  EXPECT_FALSE(CsrfTokenValid(session, session.csrf + "x")) << "longer";
  std::string changed = session.csrf;
  changed.back() = changed.back() == 'a' ? 'b' : 'a';
  EXPECT_FALSE(CsrfTokenValid(session, changed)) << "one character off";
  EXPECT_FALSE(CsrfTokenValid(session, NewSession(0).csrf)) << "another session's token";
}

TEST(CsrfTest, ASessionWithoutTokenAcceptsNothing) {
  Session session;
  EXPECT_FALSE(CsrfTokenValid(session, ""));
  EXPECT_FALSE(CsrfTokenValid(session, std::nullopt));
}

TEST(CsrfTest, TokensAreLongAndRandom) {
  const std::string a = auth::RandomToken();
  EXPECT_GE(a.size(), 43U);
  EXPECT_NE(a, auth::RandomToken());
}

}  // namespace
}  // namespace bookstore::web
