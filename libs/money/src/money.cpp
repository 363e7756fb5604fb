#include "bookstore/money/money.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <utility>

#include "bookstore/json/json.h"

namespace bookstore::money {
namespace {

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// "5" -> 50, "05" -> 5, "" -> 0: the cents of at most two (checked) fraction digits.
std::int64_t FractionCents(std::string_view fraction) {
  std::int64_t cents = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    cents = cents * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  return cents;
}

// Cents of a non-negative decimal text ("12.5"); nullopt when malformed or above kMaxCents.
std::optional<std::int64_t> ParseMagnitude(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  const bool fraction_ok = dot == std::string_view::npos || (!fraction.empty() && fraction.size() <= 2);
  if (whole.empty() || !fraction_ok || !AllDigits(whole) || !AllDigits(fraction)) {
    return std::nullopt;
  }
  std::int64_t units = 0;
  const auto [end, error] = std::from_chars(whole.data(), whole.data() + whole.size(), units);
  if (error != std::errc() || units > kMaxCents / 100) {
    return std::nullopt;  // out of range of int64 (from_chars) or of kMaxCents
  }
  const std::int64_t cents = units * 100 + FractionCents(fraction);
  return cents <= kMaxCents ? std::optional(cents) : std::nullopt;
}

// An integer number of units as cents, when within kMaxCents.
template <typename Integer>
std::optional<std::int64_t> UnitsToCents(Integer units) {
  constexpr std::int64_t kMaxUnits = kMaxCents / 100;
  if (std::cmp_greater(units, kMaxUnits) || std::cmp_less(units, -kMaxUnits)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(units) * 100;
}

}  // namespace

std::string ToDecimal(std::int64_t cents) {
  const bool negative = cents < 0;
  // In unsigned arithmetic, so that negating INT64_MIN does not overflow.
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  const std::uint64_t fraction = magnitude % 100;
  std::string text = negative ? "-" : "";
  text += std::to_string(magnitude / 100);
  text += '.';
  text += static_cast<char>('0' + fraction / 10);
  text += static_cast<char>('0' + fraction % 10);
  return text;
}

std::optional<std::int64_t> ParseDecimal(std::string_view text) {
  const bool negative = text.starts_with('-');
  if (negative) {
    text.remove_prefix(1);
  }
  const auto cents = ParseMagnitude(text);
  return (cents && negative) ? std::optional(-*cents) : cents;
}

std::int64_t FromDecimal(std::string_view text) {
  const auto cents = ParseDecimal(text);
  if (!cents) {
    throw std::invalid_argument("not a DECIMAL amount with at most two decimals: " + std::string(text));
  }
  return *cents;
}

std::optional<std::int64_t> FromJson(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::int64:
      return UnitsToCents(value.get_int64());
    case boost::json::kind::uint64:
      return UnitsToCents(value.get_uint64());
    case boost::json::kind::double_:
      // The shortest text of the double is the decimal it was written as (or that ToJson meant), so it is
      // read exactly and a third decimal shows; "null" (NaN, infinities) and huge numbers fail the parse.
      return ParseDecimal(json::Serialize(value));
    default:
      return std::nullopt;
  }
}

// Constructed explicitly: `return {x};` would pick boost::json::value's initializer-list constructor and
// make the one-element array [x] (modernize-return-braced-init-list suggests exactly that).
boost::json::value ToJson(std::int64_t cents) {
  if (cents % 100 == 0) {
    return boost::json::value(cents / 100);  // NOLINT(modernize-return-braced-init-list)
  }
  return boost::json::value(static_cast<double>(cents) / 100.0);  // NOLINT(modernize-return-braced-init-list)
}

}  // namespace bookstore::money
