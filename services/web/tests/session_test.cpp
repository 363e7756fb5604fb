#include <gtest/gtest.h>
#include <sodium.h>

#include "bookstore/auth/sodium.h"
#include "session/cookie.h"
#include "session/sealer.h"

namespace bookstore::web {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

Session LoggedInSession() {
  Session session = NewSession(kNow);
  LogIn(session, "header.payload.signature", 42, "Ada <Lovelace>", "user", kNow + 3600);
  session.cart = {{7, 2}, {9, 1}};
  session.flash = Flash{FlashKind::kSuccess, "Welcome back, Ada."};
  return session;
}

std::string FlipCharacter(std::string text, std::size_t index) {
  text[index] = text[index] == 'A' ? 'B' : 'A';
  return text;
}

TEST(SessionSealerTest, OpensWhatItSealed) {
  const SessionSealer sealer({RandomSessionKey()});
  const Session session = LoggedInSession();
  const auto opened = sealer.Open(sealer.Seal(session), kNow);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, session);
  EXPECT_TRUE(opened->LoggedIn());
}

TEST(SessionSealerTest, SealedValueHidesTheContentAndIsCookieSafe) {
  const SessionSealer sealer({RandomSessionKey()});
  const std::string sealed = sealer.Seal(LoggedInSession());
  EXPECT_EQ(sealed.find("Ada"), std::string::npos);
  EXPECT_EQ(sealed.find("header.payload"), std::string::npos);
  for (const char c : sealed) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << sealed;
  }
  // A fresh nonce each time: the same session never seals to the same text.
  EXPECT_NE(sealed, sealer.Seal(LoggedInSession()));
}

TEST(SessionSealerTest, RejectsEveryTamperedCharacter) {
  const SessionSealer sealer({RandomSessionKey()});
  const std::string sealed = sealer.Seal(LoggedInSession());
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    EXPECT_FALSE(sealer.Open(FlipCharacter(sealed, i), kNow).has_value()) << "character " << i;
  }
}

TEST(SessionSealerTest, RejectsTruncatedExtendedAndGarbageValues) {
  const SessionSealer sealer({RandomSessionKey()});
  const std::string sealed = sealer.Seal(LoggedInSession());
  EXPECT_FALSE(sealer.Open(sealed.substr(0, sealed.size() - 4), kNow));
  EXPECT_FALSE(sealer.Open(sealed + "AAAA", kNow));
  EXPECT_FALSE(sealer.Open("", kNow));
  EXPECT_FALSE(sealer.Open("not base64 at all!", kNow));
  EXPECT_FALSE(sealer.Open(std::string(20000, 'A'), kNow));
}

TEST(SessionSealerTest, RejectsAnotherKeysCookie) {
  const SessionSealer mine({RandomSessionKey()});
  const SessionSealer theirs({RandomSessionKey()});
  EXPECT_FALSE(mine.Open(theirs.Seal(LoggedInSession()), kNow));
}

TEST(SessionSealerTest, OldKeysStillOpenAfterRotation) {
  const SessionKey old_key = RandomSessionKey();
  const SessionSealer before({old_key});
  const SessionSealer after({RandomSessionKey(), old_key});
  const std::string sealed = before.Seal(LoggedInSession());
  EXPECT_TRUE(after.Open(sealed, kNow));
  EXPECT_FALSE(before.Open(after.Seal(LoggedInSession()), kNow)) << "the new key seals";
}

TEST(SessionSealerTest, ExpiresWithTheToken) {
  const SessionSealer sealer({RandomSessionKey()});
  const std::string sealed = sealer.Seal(LoggedInSession());
  EXPECT_TRUE(sealer.Open(sealed, kNow + 3599));
  EXPECT_FALSE(sealer.Open(sealed, kNow + 3600));
}

TEST(SessionSealerTest, AuthenticJsonOfTheWrongShapeIsRefused) {
  EXPECT_FALSE(SessionFromJson(R"({"v":1,"e":5})")) << "no CSRF token";
  EXPECT_FALSE(SessionFromJson(R"({"v":2,"e":5,"x":"t"})")) << "unknown version";
  EXPECT_FALSE(SessionFromJson(R"({"v":1,"e":5,"x":"t","c":[[1,0]]})")) << "zero quantity";
  EXPECT_FALSE(SessionFromJson(R"({"v":1,"e":5,"x":"t","c":[[1,"2"]]})")) << "string quantity";
  EXPECT_FALSE(SessionFromJson(R"({"v":1,"e":5,"x":"t","f":{"k":"shout","m":"hi"}})"))
      << "unknown flash kind";
  EXPECT_FALSE(SessionFromJson(R"({"v":1,"e":"5","x":"t"})")) << "string expiry";
  EXPECT_FALSE(SessionFromJson("[1,2]"));
  EXPECT_TRUE(SessionFromJson(R"({"v":1,"e":5,"x":"t"})"));
}

TEST(SessionTest, LoginRenewsTheCsrfTokenAndKeepsTheCart) {
  Session session = NewSession(kNow);
  session.cart = {{3, 1}};
  const std::string before = session.csrf;
  LogIn(session, "token", 5, "Bo", "user", kNow + 60);
  EXPECT_NE(session.csrf, before);
  EXPECT_EQ(session.cart.size(), 1U);
  EXPECT_EQ(session.expires_at, kNow + 60);
}

TEST(SessionTest, LogoutForgetsTheTokenAndTheCart) {
  Session session = LoggedInSession();
  const std::string before = session.csrf;
  LogOut(session, kNow);
  EXPECT_FALSE(session.LoggedIn());
  EXPECT_TRUE(session.token.empty());
  EXPECT_TRUE(session.cart.empty());
  EXPECT_NE(session.csrf, before);
  EXPECT_EQ(session.expires_at, kNow + kAnonymousSessionSeconds);
}

TEST(SessionKeyTest, AcceptsHexAndBase64AndRefusesOtherLengths) {
  const std::string hex(64, 'a');
  EXPECT_EQ(ParseSessionKey(hex)[0], 0xaa);
  EXPECT_NO_THROW(ParseSessionKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
  EXPECT_NO_THROW(ParseSessionKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n"));
  EXPECT_THROW(ParseSessionKey("c2hvcnQ="), std::invalid_argument);
  EXPECT_THROW(ParseSessionKey(std::string(63, 'a')), std::invalid_argument);
  EXPECT_THROW(ParseSessionKey(""), std::invalid_argument);
}

TEST(CookieTest, FindsTheSessionCookieAmongOthers) {
  EXPECT_EQ(FindCookie("a=1; bookstore_session=xyz; b=2", kSessionCookieName), "xyz");
  EXPECT_EQ(FindCookie("bookstore_session=\"q\"", kSessionCookieName), "q");
  EXPECT_FALSE(FindCookie("xbookstore_session=1", kSessionCookieName));
  EXPECT_FALSE(FindCookie("", kSessionCookieName));
}

TEST(CookieTest, SetCookieIsHttpOnlyLaxAndSecureOnlyOverHttps) {
  const std::string plain = SessionCookie("v", 3600, false);
  EXPECT_NE(plain.find("HttpOnly"), std::string::npos);
  EXPECT_NE(plain.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(plain.find("Max-Age=3600"), std::string::npos);
  EXPECT_NE(plain.find("Path=/"), std::string::npos);
  EXPECT_EQ(plain.find("Secure"), std::string::npos);
  EXPECT_NE(SessionCookie("v", 10, true).find("; Secure"), std::string::npos);
  EXPECT_NE(ClearedSessionCookie(false).find("Max-Age=0"), std::string::npos);
}

TEST(SubmittedKeyTest, KeepsAKeyLikeOursAndReplacesAnythingElse) {
  const std::string ours = auth::RandomToken();
  EXPECT_EQ(SubmittedKeyOrFresh(ours), ours);
  EXPECT_EQ(SubmittedKeyOrFresh("abcdefghij-_0123"), "abcdefghij-_0123");  // 16 characters, the least
  for (const std::string& odd : {std::string(), std::string("short"), std::string(65, 'a'),
                                 std::string("abcdefghij0123<>"), std::string("abcdefghij 12345")}) {
    const std::string key = SubmittedKeyOrFresh(odd);
    EXPECT_NE(key, odd);
    EXPECT_EQ(SubmittedKeyOrFresh(key), key);  // a fresh key is one of ours
  }
}

}  // namespace
}  // namespace bookstore::web
