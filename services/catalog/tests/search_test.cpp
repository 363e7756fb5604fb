#include "domain/search.h"

#include <gtest/gtest.h>

#include "bookstore/service/validation_error.h"

namespace bookstore::catalog {
namespace {

using Words = std::vector<std::string>;

TEST(ParseSortOrder, KnowsTheFourOrders) {
  EXPECT_EQ(ParseSortOrder(std::nullopt), SortOrder::kNewest);
  EXPECT_EQ(ParseSortOrder(""), SortOrder::kNewest);
  EXPECT_EQ(ParseSortOrder("newest"), SortOrder::kNewest);
  EXPECT_EQ(ParseSortOrder("price_asc"), SortOrder::kPriceAsc);
  EXPECT_EQ(ParseSortOrder("price_desc"), SortOrder::kPriceDesc);
  EXPECT_EQ(ParseSortOrder("title"), SortOrder::kTitle);
  try {
    ParseSortOrder("cheapest");
    FAIL() << "accepted";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.Field(), "sort");
  }
}

TEST(ReadIdList, SortedDistinctPositiveIds) {
  EXPECT_FALSE(ReadIdList(std::nullopt));
  EXPECT_EQ(*ReadIdList("7"), (std::vector<std::int64_t>{7}));
  EXPECT_EQ(*ReadIdList("3,1,2,3"), (std::vector<std::int64_t>{1, 2, 3}));
  std::string hundred = "1";
  for (int id = 2; id <= 100; ++id) hundred += "," + std::to_string(id);
  EXPECT_EQ(ReadIdList(hundred)->size(), 100U);
}

TEST(ReadIdList, AnythingElseIsA400NamingIds) {
  std::string too_many = "1";
  for (int id = 2; id <= 101; ++id) too_many += "," + std::to_string(id);
  for (const std::string& bad :
       {std::string(), std::string(","), std::string("1,"), std::string(",1"), std::string("1,,2"),
        std::string("0"), std::string("-1"), std::string("1, 2"), std::string(" 1"), std::string("x"),
        std::string("1.5"), std::string("99999999999999999999"), too_many}) {
    try {
      (void)ReadIdList(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const ValidationError& e) {
      EXPECT_EQ(e.Field(), "ids") << bad;
    }
  }
}

TEST(SplitWords, SplitsAtAsciiCharactersOtherThanLettersAndDigits) {
  EXPECT_EQ(SplitWords("War and Peace, by Lev"), (Words{"War", "and", "Peace", "by", "Lev"}));
  EXPECT_EQ(SplitWords("L'été à Valle-Inclán (1952)"), (Words{"L", "été", "à", "Valle", "Inclán", "1952"}));
  EXPECT_EQ(SplitWords("  C++ 50%_off a\\b \"x\" "), (Words{"C", "50", "off", "a", "b", "x"}));
}

TEST(SplitWords, NonAsciiCharactersBelongToWords) {
  EXPECT_EQ(SplitWords("Straße Tromsø — Ærø"), (Words{"Straße", "Tromsø", "—", "Ærø"}));
  EXPECT_EQ(SplitWords("日本語の本"), (Words{"日本語の本"}));
}

TEST(SplitWords, PunctuationAloneHasNoWords) {
  EXPECT_TRUE(SplitWords("%!").empty());
  EXPECT_TRUE(SplitWords("").empty());
  EXPECT_TRUE(SplitWords(R"(+"* -~ <> @ ())").empty());
}

TEST(IndexWords, TitleThenAuthorEachWordOnce) {
  EXPECT_EQ(IndexWords("The Night of the Night", "Night Nightingale"),
            (Words{"The", "Night", "of", "the", "Nightingale"}));
  // Equal only under the collation: both go to the database, whose primary key keeps one.
  EXPECT_EQ(IndexWords("Café", "cafe"), (Words{"Café", "cafe"}));
  EXPECT_TRUE(IndexWords("???", "!").empty());
}

TEST(PrefixPattern, EscapesLikeWildcards) {
  EXPECT_EQ(PrefixPattern("puni"), "puni%");
  EXPECT_EQ(PrefixPattern("50%_a\\b"), "50\\%\\_a\\\\b%");
}

TEST(ReadSearchText, TrimsAndValidates) {
  EXPECT_EQ(ReadSearchText("q", std::nullopt), std::nullopt);
  EXPECT_EQ(ReadSearchText("q", "   "), std::nullopt);
  EXPECT_EQ(ReadSearchText("q", "  zola "), "zola");
  EXPECT_EQ(ReadSearchText("q", std::string(200, 'q')), std::string(200, 'q'));
  for (const std::string& bad : {std::string(201, 'q'), std::string("a\0b", 3), std::string("caf\xE9")}) {
    try {
      ReadSearchText("author", bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const ValidationError& e) {
      EXPECT_EQ(e.Field(), "author");
    }
  }
}

}  // namespace
}  // namespace bookstore::catalog
