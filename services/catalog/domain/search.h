#pragma once
// GET /books: the search parameters and how `q` becomes a query.
//
// `q` matches books whose title or author contain every word of q, insensitive to case and accents
// (the utf8mb4_uca1400_ai_ci collation): each word of q, whatever its length, must begin a word of the
// title or author ("puni" finds "Punishment", "de" finds "de" and "Dedalus" but not "Borden").
// Catalog keeps its own word index for this, the table book_words (migration 0004): the words of every
// live book's title and author, split by SplitWords, written in the transaction of each book write. Each
// word of q becomes a prefix range of that index (LIKE 'word%'), so a search costs about the number of
// its matches in index entries, never a scan of all books. A q without any word ("!!!") matches nothing,
// as no indexed word holds punctuation. bench/catalog/search_bench.py has the measurements behind this.

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
inline constexpr std::size_t kMaxIds = 100;  // ids=...: as many as one page can hold (kMaxLimit)

enum class SortOrder { kNewest, kPriceAsc, kPriceDesc, kTitle };

// "newest" (default), "price_asc", "price_desc", "title"; anything else throws ValidationError("sort").
SortOrder ParseSortOrder(std::optional<std::string_view> text);

// The one word rule, for the index and for q alike: words are the runs of ASCII letters and digits and
// of non-ASCII characters; every other ASCII character (space, punctuation, the `%` and `_` of LIKE)
// separates them. So "L'été" is "L" and "été", "Valle-Inclán" is "Valle" and "Inclán", "C++" is "C".
// Migration 0005 applies the same rule in SQL (REGEXP_REPLACE) to backfill existing books; the system
// test test_catalog_search.py::test_index_rows_match_the_migrations_rule checks that both agree.
std::vector<std::string> SplitWords(std::string_view text);

// The rows of book_words for a book: the words of its title and then of its author, each once (exact
// duplicates dropped; words equal only under the collation, "Café" and "cafe", are merged by the
// table's primary key).
std::vector<std::string> IndexWords(std::string_view title, std::string_view author);

// 'word%' for a prefix range of book_words.word, with %, _ and \ escaped (LIKE's default escape
// character is \; SplitWords never yields them, this keeps the pattern safe whatever the caller passes).
std::string PrefixPattern(std::string_view word);

struct SearchQuery {
  std::optional<std::vector<std::string>> words;  // SplitWords(q); nullopt: no q. Empty: matches nothing
  std::optional<std::vector<std::int64_t>> ids;   // ids=3,1,2: only these books (sorted, each once)
  std::optional<std::string> author;              // exact, insensitive to case and accents
  std::optional<std::int64_t> seller_id;
  bool in_stock = false;  // stock > 0
  SortOrder sort = SortOrder::kNewest;
  std::int64_t limit = kDefaultLimit;
  std::int64_t offset = 0;
};

// ids: "3,1,2" (at most kMaxIds positive ids, comma-separated, no spaces) as the sorted distinct ids;
// nullopt when absent. Throws ValidationError("ids") for anything else, an empty value included. The web
// store reads a whole cart with one GET /books?ids=...
std::optional<std::vector<std::int64_t>> ReadIdList(std::optional<std::string_view> value);

// Checks a text parameter (q, author): valid UTF-8 without NUL, at most 200 characters. Returns it
// trimmed, nullopt when absent or blank. Throws ValidationError naming the parameter.
std::optional<std::string> ReadSearchText(std::string_view name, std::optional<std::string> value);

}  // namespace bookstore::catalog
