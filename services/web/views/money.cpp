#include "views/money.h"

#include "bookstore/money/money.h"

namespace bookstore::web {

std::optional<std::int64_t> CentsFromJson(const boost::json::value& amount) {
  if (const auto* text = amount.if_string()) {
    return money::ParseDecimal(*text);
  }
  return money::FromJson(amount);
}

std::string FormatCents(std::int64_t cents) {
  std::string text = money::ToDecimal(cents);  // "-1234567.89"
  const bool negative = text.front() == '-';
  if (negative) {
    text.erase(0, 1);
  }
  // A comma before every group of three digits of the whole part, counted from the decimal point.
  for (std::size_t group = text.find('.'); group > 3; group -= 3) {
    text.insert(group - 3, 1, ',');
  }
  return (negative ? "-$" : "$") + text;
}

std::optional<std::string> NormalizePriceInput(std::string_view text) {
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  if (!text.empty() && text.front() == '$') {
    text.remove_prefix(1);
  }
  // A sign is refused as typed, so "-0" is not taken for a price of 0.
  if (text.starts_with('-')) {
    return std::nullopt;
  }
  const auto cents = money::ParseDecimal(text);
  if (!cents) {
    return std::nullopt;
  }
  return money::ToDecimal(*cents);
}

}  // namespace bookstore::web
