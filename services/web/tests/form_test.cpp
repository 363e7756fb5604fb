#include "views/form.h"

#include <gtest/gtest.h>

namespace bookstore::web {
namespace {

TEST(FormTest, DecodesUrlEncodedBodies) {
  const auto form = Form::Parse("title=Cien+a%C3%B1os&price=12.50&empty=&flag&title=second");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->Get("title"), "Cien años");
  EXPECT_EQ(form->Get("price"), "12.50");
  EXPECT_EQ(form->Get("empty"), "");
  EXPECT_EQ(form->Get("flag"), "");
  EXPECT_FALSE(form->Get("missing"));
  EXPECT_EQ(Form::Parse("name=+%20Ada+")->Text("name"), "Ada");
}

TEST(FormTest, RefusesBadEscapes) { EXPECT_FALSE(Form::Parse("a=%zz")); }

TEST(FormTest, ParsesBoundedIntegers) {
  EXPECT_EQ(ParseInteger(" 3 ", 0, 10), 3);
  EXPECT_FALSE(ParseInteger("11", 0, 10));
  EXPECT_FALSE(ParseInteger("3.0", 0, 10));
  EXPECT_FALSE(ParseInteger("", 0, 10));
  EXPECT_FALSE(ParseInteger("99999999999999999999", 0, 10));
}

TEST(FormTest, EncodesQueries) {
  EXPECT_EQ(EncodeQuery({{"q", "a b&c"}, {"author", "Gabriel García"}}),
            "q=a%20b%26c&author=Gabriel%20Garc%C3%ADa");
}

TEST(SafeLocalPathTest, KeepsLocalPathsOnly) {
  EXPECT_EQ(SafeLocalPath("/cart"), "/cart");
  EXPECT_EQ(SafeLocalPath("/books?q=x"), "/books?q=x");
  EXPECT_EQ(SafeLocalPath("//evil.example/x"), "/");
  EXPECT_EQ(SafeLocalPath("/\\evil.example"), "/");
  EXPECT_EQ(SafeLocalPath("https://evil.example"), "/");
  EXPECT_EQ(SafeLocalPath("javascript:alert(1)"), "/");
  EXPECT_EQ(SafeLocalPath("/a\r\nSet-Cookie: x"), "/");
  EXPECT_EQ(SafeLocalPath("", "/cart"), "/cart");
}

}  // namespace
}  // namespace bookstore::web
