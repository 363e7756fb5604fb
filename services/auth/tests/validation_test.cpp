#include "domain/validation.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace bookstore::auth_service {
namespace {

boost::json::object Body(const char* json) { return boost::json::parse(json).as_object(); }

ValidationError ErrorOf(const std::variant<Registration, ValidationError>& result) {
  EXPECT_TRUE(std::holds_alternative<ValidationError>(result));
  return std::holds_alternative<ValidationError>(result) ? std::get<ValidationError>(result)
                                                         : ValidationError{};
}

TEST(ParseLogin, RefusesControlCharactersInTheEmail) {
  for (const char* body :
       {R"({"email":"bob@example.com\n","password":"x"})", R"({"email":"\fbob@example.com","password":"x"})",
        R"({"email":"\u000bbob@example.com","password":"x"})",
        R"({"email":"\rbob@example.com","password":"x"})"}) {
    auto result = ParseLogin(Body(body));
    ASSERT_TRUE(std::holds_alternative<ValidationError>(result)) << body;
    EXPECT_EQ(std::get<ValidationError>(result),
              (ValidationError{"email", "email must not contain control characters"}));
  }
}

TEST(ValidateEmail, AcceptsUsualAddresses) {
  for (const char* email : {"a@b.co", "alice@example.com", "first.last+tag@mail.example.org",
                            "x_y-z@sub-domain.example.io", "O'Neil@example.ie"}) {
    EXPECT_FALSE(ValidateEmail(email)) << email;
  }
}

TEST(ValidateEmail, RefusesMalformedAddresses) {
  for (const char* email :
       {"", "plain", "@example.com", "alice@", "alice@@example.com", "al@ice@example.com", "alice@localhost",
        "alice@-example.com", "alice@example-.com", "alice@exa_mple.com", "alice@example..com",
        "alice@.example.com", "alice@example.com.", "ali ce@example.com", "alice@exam ple.com",
        "al\"ice@example.com", "caf\xC3\xA9@example.com", "alice@\xC3\xA9.com"}) {
    auto error = ValidateEmail(email);
    ASSERT_TRUE(error) << email;
    EXPECT_EQ(error->field, "email");
  }
}

TEST(ValidateEmail, LimitsLengths) {
  std::string local(64, 'a');
  EXPECT_FALSE(ValidateEmail(local + "@example.com"));
  EXPECT_TRUE(ValidateEmail(local + "a@example.com"));
  std::string domain =
      std::string(63, 'd') + "." + std::string(63, 'e') + "." + std::string(63, 'f') + ".com";
  EXPECT_TRUE(ValidateEmail("a@" + std::string(64, 'x') + ".com"));  // label over 63
  std::string long_email = std::string(60, 'a') + "@" + domain + ".xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
  ASSERT_GT(long_email.size(), kMaxEmailLength);
  EXPECT_TRUE(ValidateEmail(long_email));
}

TEST(ValidateName, CountsCodePoints) {
  EXPECT_FALSE(ValidateName("A"));
  EXPECT_FALSE(ValidateName(std::string(100, 'x')));
  EXPECT_TRUE(ValidateName(std::string(101, 'x')));
  std::string hundred_emoji;
  for (int i = 0; i < 100; ++i) hundred_emoji += "\xF0\x9F\x93\x9A";  // 400 bytes, 100 characters
  EXPECT_FALSE(ValidateName(hundred_emoji));
  EXPECT_TRUE(ValidateName(hundred_emoji + "x"));
}

TEST(ValidateName, RefusesEmptyControlAndInvalidUtf8) {
  EXPECT_EQ(ValidateName("")->field, "name");
  EXPECT_TRUE(ValidateName(std::string("a\0b", 3)));
  EXPECT_TRUE(ValidateName("tab\there"));
  EXPECT_TRUE(ValidateName("del\x7F"));
  EXPECT_TRUE(ValidateName("c1\xC2\x85"));  // U+0085 NEL
  EXPECT_TRUE(ValidateName("bad\xC3"));
  EXPECT_FALSE(ValidateName("Zo\xC3\xAB O'Brien-\xE5\xB1\xB1\xE7\x94\xB0"));
}

TEST(ValidatePassword, EightToOneHundredTwentyEightCharacters) {
  EXPECT_TRUE(ValidatePassword("1234567"));
  EXPECT_FALSE(ValidatePassword("12345678"));
  EXPECT_FALSE(ValidatePassword(std::string(128, 'p')));
  EXPECT_TRUE(ValidatePassword(std::string(129, 'p')));
  EXPECT_FALSE(ValidatePassword(
      "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"));  // 8 chars, 16 bytes
  EXPECT_EQ(ValidatePassword("short")->field, "password");
  EXPECT_TRUE(ValidatePassword("12345678\xFF"));
}

TEST(ParseRegistration, TrimsAndNormalizes) {
  auto result = ParseRegistration(
      Body(R"({"name":"  Ada ","email":" Ada@Example.com ","password":" secret pw ","extra":1})"));
  ASSERT_TRUE(std::holds_alternative<Registration>(result));
  const auto& registration = std::get<Registration>(result);
  EXPECT_EQ(registration.name, "Ada");
  EXPECT_EQ(registration.email, "Ada@Example.com");
  EXPECT_EQ(registration.normalized_email, "ada@example.com");
  EXPECT_EQ(registration.password, " secret pw ");  // passwords are taken exactly
}

TEST(ParseRegistration, NamesTheFieldAtFault) {
  EXPECT_EQ(ErrorOf(ParseRegistration(Body(R"({"email":"a@b.co","password":"12345678"})"))),
            (ValidationError{"name", "name is required"}));
  EXPECT_EQ(ErrorOf(ParseRegistration(Body(R"({"name":null,"email":"a@b.co","password":"12345678"})"))).field,
            "name");
  EXPECT_EQ(ErrorOf(ParseRegistration(Body(R"({"name":5,"email":"a@b.co","password":"12345678"})"))),
            (ValidationError{"name", "name must be a string"}));
  EXPECT_EQ(
      ErrorOf(ParseRegistration(Body(R"({"name":"   ","email":"a@b.co","password":"12345678"})"))).field,
      "name");
  EXPECT_EQ(ErrorOf(ParseRegistration(Body(R"({"name":"A","password":"12345678"})"))).field, "email");
  EXPECT_EQ(
      ErrorOf(ParseRegistration(Body(R"({"name":"A","email":["a@b.co"],"password":"12345678"})"))).field,
      "email");
  EXPECT_EQ(ErrorOf(ParseRegistration(Body(R"({"name":"A","email":"nope","password":"12345678"})"))).field,
            "email");
  EXPECT_EQ(ErrorOf(ParseRegistration(Body(R"({"name":"A","email":"a@b.co"})"))).field, "password");
  EXPECT_EQ(ErrorOf(ParseRegistration(Body(R"({"name":"A","email":"a@b.co","password":"short"})"))).field,
            "password");
  EXPECT_EQ(ErrorOf(ParseRegistration(Body(R"({"name":"A","email":"a@b.co","password":12345678})"))).field,
            "password");
}

TEST(ParseLogin, NormalizesEmailOnly) {
  auto result = ParseLogin(Body(R"({"email":" Bob@Example.COM","password":" pw "})"));
  ASSERT_TRUE(std::holds_alternative<LoginRequest>(result));
  EXPECT_EQ(std::get<LoginRequest>(result).normalized_email, "bob@example.com");
  EXPECT_EQ(std::get<LoginRequest>(result).password, " pw ");
}

TEST(ParseLogin, RequiresStrings) {
  auto missing = ParseLogin(Body(R"({"password":"x"})"));
  ASSERT_TRUE(std::holds_alternative<ValidationError>(missing));
  EXPECT_EQ(std::get<ValidationError>(missing).field, "email");
  auto wrong_type = ParseLogin(Body(R"({"email":"a@b.co","password":true})"));
  ASSERT_TRUE(std::holds_alternative<ValidationError>(wrong_type));
  EXPECT_EQ(std::get<ValidationError>(wrong_type).field, "password");
}

}  // namespace
}  // namespace bookstore::auth_service
