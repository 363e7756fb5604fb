// The search of GET /books: catalog's ReadSearchQuery (handlers/books.cpp) on a request whose query string
// is the input, through libs/http's query parsing, and the word rule behind the index (SplitWords,
// IndexWords, PrefixPattern of domain/search.h).
//
// Input: the query string after "/books?", e.g. "q=dostoevsky+idiot&sort=price_asc&limit=5".
//
// Invariants: a query is refused only with ValidationError or http::Error 400; an accepted one has at most
// 10 words, each a non-empty run of word bytes (ASCII letters and digits, non-ASCII bytes) that occurs in
// q; author is valid UTF-8, trimmed, at most 200 characters; limit, offset and seller_id are in range; ids
// are 1-100 distinct positive ids in order; a LIKE pattern made of any word matches only by prefix (every
// %, _ and \ of the word escaped).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bookstore/http/context.h"
#include "bookstore/http/error.h"
#include "bookstore/service/validation_error.h"
#include "bookstore/text/utf8.h"
#include "check.h"
#include "domain/search.h"
#include "handlers/books.h"

namespace {

namespace catalog = bookstore::catalog;

bool IsWordByte(char ch) {
  const auto byte = static_cast<unsigned char>(ch);
  return byte >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

void CheckWords(std::string_view text) {
  const auto words = catalog::SplitWords(text);
  std::size_t from = 0;
  for (const auto& word : words) {
    FUZZ_CHECK(!word.empty(), "a word is never empty");
    for (const char ch : word) FUZZ_CHECK(IsWordByte(ch), "a word holds word bytes only");
    const auto at = text.find(word, from);
    FUZZ_CHECK(at != std::string_view::npos, "the words occur in the text, in order");
    from = at + word.size();

    const std::string pattern = catalog::PrefixPattern(word);
    FUZZ_CHECK(!pattern.empty() && pattern.back() == '%', "a pattern ends with the one unescaped %");
    for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
      if (pattern[i] == '\\') {
        ++i;  // the escaped character
      } else {
        FUZZ_CHECK(pattern[i] != '%' && pattern[i] != '_', "LIKE wildcards in a word are escaped");
      }
    }
  }
  const auto indexed = catalog::IndexWords(text, text);
  FUZZ_CHECK(indexed.size() <= words.size(), "IndexWords drops duplicates");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  CheckWords(query);

  bookstore::http::Request request{bookstore::http::Verb::get, "/books?" + std::string(query), 11};
  const bookstore::http::Context ctx(std::move(request));
  try {
    const catalog::SearchQuery search = catalog::handlers::ReadSearchQuery(ctx);
    if (search.words) {
      FUZZ_CHECK(search.words->size() <= 10, "at most 10 words");
      const auto q = ctx.Query("q");
      FUZZ_CHECK(q.has_value(), "words come from q");
      CheckWords(*q);
      for (const auto& word : *search.words) {
        FUZZ_CHECK(q->find(word) != std::string::npos, "each word occurs in q");
      }
    }
    if (search.author) {
      const auto chars = bookstore::text::CountCodePoints(*search.author);
      FUZZ_CHECK(chars && *chars >= 1 && *chars <= catalog::kMaxSearchChars, "author is 1-200 characters");
      FUZZ_CHECK(bookstore::text::TrimAsciiWhitespace(*search.author) == *search.author, "author is trimmed");
      FUZZ_CHECK(search.author->find('\0') == std::string::npos, "author holds no NUL");
    }
    FUZZ_CHECK(!search.seller_id || *search.seller_id > 0, "seller_id is positive");
    if (search.ids) {
      FUZZ_CHECK(!search.ids->empty() && search.ids->size() <= catalog::kMaxIds, "ids holds 1-100 ids");
      for (std::size_t i = 0; i < search.ids->size(); ++i) {
        FUZZ_CHECK((*search.ids)[i] > 0, "ids are positive");
        FUZZ_CHECK(i == 0 || (*search.ids)[i - 1] < (*search.ids)[i], "ids are sorted, each once");
      }
    }
    FUZZ_CHECK(search.limit >= 1 && search.limit <= catalog::kMaxLimit, "limit is 1-100");
    FUZZ_CHECK(search.offset >= 0 && search.offset <= catalog::kMaxOffset, "offset is 0-1000000");
  } catch (const bookstore::ValidationError& e) {
    FUZZ_CHECK(!e.Field().empty(), "a refused search names its parameter");
  } catch (const bookstore::http::Error& e) {
    FUZZ_CHECK(e.status() == bookstore::http::Status::bad_request, "a refused search is 400");
  }
  return 0;
}
