#include "views/money.h"

#include <cmath>
#include <limits>

namespace bookstore::web {
namespace {

constexpr std::int64_t kMaxCents = std::numeric_limits<std::int64_t>::max() / 1000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "12", "12.5", "12.50" -> cents; nullopt for anything else.
std::optional<std::int64_t> ParseDecimal(std::string_view text) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || fraction.size() > 2) {
    return std::nullopt;
  }
  if (dot != std::string_view::npos && fraction.empty()) {
    return std::nullopt;
  }
  std::int64_t cents = 0;
  for (const char c : whole) {
    if (!IsDigit(c)) {
      return std::nullopt;
    }
    cents = cents * 10 + (c - '0');
  }
  cents *= 100;
  if (!fraction.empty()) {
    if (!IsDigit(fraction[0]) || (fraction.size() == 2 && !IsDigit(fraction[1]))) {
      return std::nullopt;
    }
    cents += static_cast<std::int64_t>(fraction[0] - '0') * 10;
    if (fraction.size() == 2) {
      cents += fraction[1] - '0';
    }
  }
  return cents;
}

}  // namespace

std::optional<std::int64_t> CentsFromJson(const boost::json::value& amount) {
  if (amount.is_int64()) {
    const auto value = amount.as_int64();
    if (value < -kMaxCents || value > kMaxCents) {
      return std::nullopt;
    }
    return value * 100;
  }
  if (amount.is_uint64()) {
    return std::nullopt;  // beyond any price
  }
  if (amount.is_double()) {
    const double value = amount.as_double() * 100.0;
    if (!std::isfinite(value) || std::fabs(value) > static_cast<double>(kMaxCents)) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(std::llround(value));
  }
  if (amount.is_string()) {
    std::string_view text = amount.as_string();
    const bool negative = !text.empty() && text.front() == '-';
    if (negative) {
      text.remove_prefix(1);
    }
    auto cents = ParseDecimal(text);
    if (cents && negative) {
      *cents = -*cents;
    }
    return cents;
  }
  return std::nullopt;
}

std::string FormatCents(std::int64_t cents) {
  const bool negative = cents < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
  const std::string whole = std::to_string(magnitude / 100);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) {
      grouped += ',';
    }
    grouped += whole[i];
  }
  const auto fraction = magnitude % 100;
  std::string out = negative ? "-$" : "$";
  out += grouped;
  out += '.';
  out += static_cast<char>('0' + fraction / 10);
  out += static_cast<char>('0' + fraction % 10);
  return out;
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
  const auto cents = ParseDecimal(text);
  if (!cents) {
    return std::nullopt;
  }
  return CentsToInput(*cents);
}

std::string CentsToInput(std::int64_t cents) {
  const auto fraction = cents % 100;
  std::string out = std::to_string(cents / 100) + ".";
  out += static_cast<char>('0' + fraction / 10);
  out += static_cast<char>('0' + fraction % 10);
  return out;
}

}  // namespace bookstore::web
