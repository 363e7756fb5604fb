#include "domain/search.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "bookstore/service/validation_error.h"
#include "bookstore/text/utf8.h"
#include "domain/text.h"

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

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(text[i])) {
      ++i;
    }
    const std::size_t begin = i;
    while (i < text.size() && IsWordByte(text[i])) {
      ++i;
    }
    if (i > begin) {
      words.emplace_back(text.substr(begin, i - begin));
    }
  }
  return words;
}

std::vector<std::string> IndexWords(std::string_view title, std::string_view author) {
  std::vector<std::string> words = SplitWords(title);
  for (auto& word : SplitWords(author)) {
    words.push_back(std::move(word));
  }
  // Keeps the first of each: a handful of words, so a linear search beats sorting.
  std::vector<std::string> unique;
  for (auto& word : words) {
    if (std::find(unique.begin(), unique.end(), word) == unique.end()) {
      unique.push_back(std::move(word));
    }
  }
  return unique;
}

std::string PrefixPattern(std::string_view word) {
  std::string pattern;
  for (char ch : word) {
    if (ch == '%' || ch == '_' || ch == '\\') {
      pattern += '\\';
    }
    pattern += ch;
  }
  pattern += '%';
  return pattern;
}

std::optional<std::vector<std::int64_t>> ReadIdList(std::optional<std::string_view> value) {
  if (!value) {
    return std::nullopt;
  }
  const std::string message =
      "ids must be at most " + std::to_string(kMaxIds) + " book ids (positive integers) separated by commas";
  std::vector<std::int64_t> ids;
  std::string_view rest = *value;
  for (;;) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || id < 1 ||
        ids.size() == kMaxIds) {
      throw ValidationError("ids", message);
    }
    ids.push_back(id);
    if (comma == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(comma + 1);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::optional<std::string> ReadSearchText(std::string_view name, std::optional<std::string> value) {
  if (!value) {
    return std::nullopt;
  }
  RequireText(name, *value, 0, kMaxSearchChars);
  std::string_view trimmed = text::TrimAsciiWhitespace(*value);
  if (trimmed.empty()) {
    return std::nullopt;
  }
  return std::string(trimmed);
}

}  // namespace bookstore::catalog
