#include "bookstore/auth/password.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace bookstore::auth {
namespace {

// The smallest parameters libsodium accepts: fast, for tests of logic rather than strength.
constexpr PasswordHashParams kFast{.ops_limit = 1, .mem_limit_bytes = 8192};

TEST(PasswordTest, DefaultsMeetOwaspMinimum) {
  const PasswordHashParams defaults;
  EXPECT_GE(defaults.mem_limit_bytes, std::size_t{19} * 1024 * 1024);
  EXPECT_GE(defaults.ops_limit, 2U);
  EXPECT_TRUE(defaults.MeetsOwaspMinimum());
  EXPECT_FALSE(kFast.MeetsOwaspMinimum());
}

TEST(PasswordTest, DefaultHashesEncodeNineteenMebibytesAndTwoPasses) {
  // The PHC string states argon2's own units (m in KiB, t in passes): this proves that libsodium read
  // mem_limit_bytes as bytes and ops_limit as passes.
  const PasswordHasher hasher;
  const std::string hash = hasher.Hash("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0U) << hash;
}

TEST(PasswordTest, VerifiesTheRightPasswordOnly) {
  const PasswordHasher hasher;
  const std::string hash = hasher.Hash("correct horse battery staple");
  EXPECT_TRUE(hasher.Verify("correct horse battery staple", hash));
  EXPECT_FALSE(hasher.Verify("correct horse battery stapl", hash));
  EXPECT_FALSE(hasher.Verify("Correct horse battery staple", hash));
  EXPECT_FALSE(hasher.Verify("", hash));
}

TEST(PasswordTest, SaltsEveryHash) {
  const PasswordHasher hasher(kFast);
  const auto a = hasher.Hash("same");
  const auto b = hasher.Hash("same");
  EXPECT_NE(a, b);
  EXPECT_TRUE(hasher.Verify("same", a));
  EXPECT_TRUE(hasher.Verify("same", b));
}

TEST(PasswordTest, HandlesUnusualPasswords) {
  const PasswordHasher hasher(kFast);
  const std::string with_nul("pass\0word", 9);
  const auto hash = hasher.Hash(with_nul);
  EXPECT_TRUE(hasher.Verify(with_nul, hash));
  EXPECT_FALSE(hasher.Verify("pass", hash)) << "the NUL must not truncate the password";
  const std::string unicode = "pässwörd 🔑";
  EXPECT_TRUE(hasher.Verify(unicode, hasher.Hash(unicode)));
  const std::string longest(kMaxPasswordBytes, 'x');
  EXPECT_TRUE(hasher.Verify(longest, hasher.Hash(longest)));
}

TEST(PasswordTest, RefusesOverlongPasswords) {
  const PasswordHasher hasher(kFast);
  const std::string too_long(kMaxPasswordBytes + 1, 'x');
  EXPECT_THROW((void)hasher.Hash(too_long), std::invalid_argument);
  EXPECT_FALSE(hasher.Verify(too_long, hasher.Hash("x")));
}

TEST(PasswordTest, MalformedStoredHashesNeverVerify) {
  const PasswordHasher hasher(kFast);
  const std::string good = hasher.Hash("pw");
  for (const std::string& stored :
       {std::string(), std::string("pw"), std::string("$argon2id$"), good.substr(0, good.size() - 4),
        good + std::string(200, 'A'), std::string("$2b$12$abcdefghijklmnopqrstuv"),
        std::string(good).insert(5, 1, '\0')}) {
    EXPECT_FALSE(hasher.Verify("pw", stored)) << stored;
  }
  // NeedsRehash is asked only after a successful Verify; for strings that are not argon2id at all it
  // still says yes. (A damaged argon2id string whose parameters still parse may say no.)
  for (const std::string& stored :
       {std::string(), std::string("pw"), std::string("$argon2id$"),
        std::string("$2b$12$abcdefghijklmnopqrstuv"), good + std::string(200, 'A')}) {
    EXPECT_TRUE(hasher.NeedsRehash(stored)) << stored;
  }
}

TEST(PasswordTest, NeedsRehashWhenParametersOrAlgorithmDiffer) {
  const PasswordHasher fast(kFast);
  const PasswordHasher stronger(PasswordHashParams{.ops_limit = 2, .mem_limit_bytes = 16384});
  const std::string hash = fast.Hash("pw");
  EXPECT_FALSE(fast.NeedsRehash(hash));
  EXPECT_TRUE(stronger.NeedsRehash(hash));
  EXPECT_TRUE(stronger.Verify("pw", hash)) << "old hashes still verify";

  std::array<char, crypto_pwhash_STRBYTES> argon2i{};
  ASSERT_EQ(crypto_pwhash_str_alg(argon2i.data(), "pw", 2, 3, 8192, crypto_pwhash_ALG_ARGON2I13), 0);
  EXPECT_TRUE(fast.Verify("pw", argon2i.data()));
  EXPECT_TRUE(fast.NeedsRehash(argon2i.data()));
}

TEST(PasswordTest, DummyVerificationNeverSucceeds) {
  const PasswordHasher hasher(kFast);
  EXPECT_FALSE(hasher.VerifyDummy(""));
  EXPECT_FALSE(hasher.VerifyDummy("password"));
}

TEST(PasswordTest, RefusesParametersLibsodiumCannotUse) {
  EXPECT_THROW(PasswordHasher(PasswordHashParams{.ops_limit = 0, .mem_limit_bytes = 8192}),
               std::invalid_argument);
  EXPECT_THROW(PasswordHasher(PasswordHashParams{.ops_limit = 1, .mem_limit_bytes = 1024}),
               std::invalid_argument);
}

}  // namespace
}  // namespace bookstore::auth
