#pragma once
// GET /books: the search parameters and how `q` becomes a query.
//
// `q` matches books whose title or author contain every word of q, insensitive to case and accents
// (the utf8mb4_uca1400_ai_ci collation): a word of 3 to 84 characters must begin a word of the title or
// author (FULLTEXT index, boolean mode, "word*"); a shorter or longer word (which the FULLTEXT index does
// not hold) must appear anywhere in the title or author (LIKE '%word%', applied to what the FULLTEXT
// words left). bench/catalog/search_bench.py has the measurements behind this choice.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::catalog {

inline constexpr std::size_t kMaxSearchChars = 200;
inline constexpr std::int64_t kDefaultLimit = 20;
inline constexpr std::int64_t kMaxLimit = 100;
inline constexpr std::int64_t kMaxOffset = 1'000'000;
// InnoDB indexes words of innodb_ft_min_token_size (3, the default) to innodb_ft_max_token_size (84).
inline constexpr std::size_t kMinFulltextWordChars = 3;
inline constexpr std::size_t kMaxFulltextWordChars = 84;

enum class SortOrder { kNewest, kPriceAsc, kPriceDesc, kTitle };

// "newest" (default), "price_asc", "price_desc", "title"; anything else throws ValidationError("sort").
SortOrder ParseSortOrder(std::optional<std::string_view> text);

struct SearchTerms {
  std::vector<std::string> fulltext_words;  // matched as word prefixes through the FULLTEXT index
  std::vector<std::string> substrings;      // matched with LIKE
};

// Splits q into words at ASCII characters other than letters and digits (which includes every operator
// of the FULLTEXT boolean syntax); non-ASCII characters belong to words. A q of only such characters
// ("%!") is one substring as it is.
SearchTerms SplitSearchText(std::string_view q);

// "+word1* +word2*" for MATCH ... AGAINST (... IN BOOLEAN MODE).
std::string FulltextExpression(const std::vector<std::string>& words);

// '%text%' with %, _ and \ escaped (LIKE's default escape character is \).
std::string ContainsPattern(std::string_view text);

struct SearchQuery {
  SearchTerms terms;                  // from q; empty: no text condition
  std::optional<std::string> author;  // exact, insensitive to case and accents
  std::optional<std::int64_t> seller_id;
  bool in_stock = false;  // stock > 0
  SortOrder sort = SortOrder::kNewest;
  std::int64_t limit = kDefaultLimit;
  std::int64_t offset = 0;
};

// Checks a text parameter (q, author): valid UTF-8 without NUL, at most 200 characters. Returns it
// trimmed, nullopt when absent or blank. Throws ValidationError naming the parameter.
std::optional<std::string> ReadSearchText(std::string_view name, std::optional<std::string> value);

}  // namespace bookstore::catalog
