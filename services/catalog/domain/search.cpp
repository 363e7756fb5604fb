#include "domain/search.h"

#include <cstdint>

#include "domain/text.h"
#include "domain/validation_error.h"

namespace bookstore::catalog {
namespace {

bool IsWordByte(char ch) {
  const auto byte = static_cast<std::uint8_t>(ch);
  return byte >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

}  // namespace

SortOrder ParseSortOrder(std::optional<std::string_view> text) {
  if (!text || text->empty() || *text == "newest") {
    return SortOrder::kNewest;
  }
  if (*text == "price_asc") {
    return SortOrder::kPriceAsc;
  }
  if (*text == "price_desc") {
    return SortOrder::kPriceDesc;
  }
  if (*text == "title") {
    return SortOrder::kTitle;
  }
  throw ValidationError("sort", "sort must be one of newest, price_asc, price_desc, title");
}

SearchTerms SplitSearchText(std::string_view q) {
  SearchTerms terms;
  std::size_t i = 0;
  while (i < q.size()) {
    while (i < q.size() && !IsWordByte(q[i])) {
      ++i;
    }
    const std::size_t begin = i;
    while (i < q.size() && IsWordByte(q[i])) {
      ++i;
    }
    if (i == begin) {
      continue;
    }
    std::string word(q.substr(begin, i - begin));
    const std::size_t chars = CountCharacters(word);
    if (chars >= kMinFulltextWordChars && chars <= kMaxFulltextWordChars) {
      terms.fulltext_words.push_back(std::move(word));
    } else {
      terms.substrings.push_back(std::move(word));
    }
  }
  // Only punctuation ("C++" has a word, "!!!" has none): look for it as it is.
  if (terms.fulltext_words.empty() && terms.substrings.empty() && !q.empty()) {
    terms.substrings.emplace_back(q);
  }
  return terms;
}

std::string FulltextExpression(const std::vector<std::string>& words) {
  std::string expression;
  for (const auto& word : words) {
    if (!expression.empty()) {
      expression += ' ';
    }
    expression += '+';
    expression += word;
    expression += '*';
  }
  return expression;
}

std::string ContainsPattern(std::string_view text) {
  std::string pattern = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') {
      pattern += '\\';
    }
    pattern += ch;
  }
  pattern += '%';
  return pattern;
}

std::optional<std::string> ReadSearchText(std::string_view name, std::optional<std::string> value) {
  if (!value) {
    return std::nullopt;
  }
  RequireText(name, *value, 0, kMaxSearchChars);
  std::string_view trimmed = TrimSpaces(*value);
  if (trimmed.empty()) {
    return std::nullopt;
  }
  return std::string(trimmed);
}

}  // namespace bookstore::catalog
