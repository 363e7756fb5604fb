#include "domain/search.h"

#include <gtest/gtest.h>

#include "domain/validation_error.h"

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

TEST(SplitSearchText, LongWordsGoToFulltextShortOnesToLike) {
  const SearchTerms terms = SplitSearchText("War and Peace by Lev");
  EXPECT_EQ(terms.fulltext_words, (Words{"War", "and", "Peace", "Lev"}));
  EXPECT_EQ(terms.substrings, (Words{"by"}));
}

TEST(SplitSearchText, OperatorsOfTheBooleanSyntaxSplitWords) {
  const SearchTerms terms = SplitSearchText(R"(+moby -"dick"* (whale) ~x <y> @3 o'brien)");
  EXPECT_EQ(terms.fulltext_words, (Words{"moby", "dick", "whale", "brien"}));
  EXPECT_EQ(terms.substrings, (Words{"x", "y", "3", "o"}));
}

TEST(SplitSearchText, CountsCharactersNotBytes) {
  const SearchTerms terms = SplitSearchText("Café été ña");
  EXPECT_EQ(terms.fulltext_words, (Words{"Café", "été"}));
  EXPECT_EQ(terms.substrings, (Words{"ña"}));
}

TEST(SplitSearchText, OnlyPunctuationIsSearchedAsItIs) {
  EXPECT_EQ(SplitSearchText("%!").substrings, (Words{"%!"}));
  EXPECT_TRUE(SplitSearchText("").substrings.empty());
}

TEST(FulltextExpression, RequiresEveryWordAsAPrefix) {
  EXPECT_EQ(FulltextExpression({"war", "peace"}), "+war* +peace*");
}

TEST(ContainsPattern, EscapesLikeWildcards) { EXPECT_EQ(ContainsPattern("50%_a\\b"), "%50\\%\\_a\\\\b%"); }

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
