#include "domain/money.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace bookstore::orders {

std::string CentsToDecimal(std::int64_t cents) {
  const bool negative = cents < 0;
  // Work in unsigned so that INT64_MIN does not overflow.
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
  std::string fraction = std::to_string(magnitude % 100);
  if (fraction.size() < 2) {
    fraction.insert(0, "0");
  }
  return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + fraction;
}

std::int64_t DecimalToCents(std::string_view text) {
  const std::string original(text);
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || fraction.size() > 2 || (dot != std::string_view::npos && fraction.empty())) {
    throw std::invalid_argument("not a DECIMAL amount: " + original);
  }
  std::int64_t units = 0;
  auto [end, error] = std::from_chars(whole.data(), whole.data() + whole.size(), units);
  if (error != std::errc() || end != whole.data() + whole.size() || units > kMaxCents / 100) {
    throw std::invalid_argument("not a DECIMAL amount: " + original);
  }
  std::int64_t cents = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const char digit = i < fraction.size() ? fraction[i] : '0';
    if (digit < '0' || digit > '9') {
      throw std::invalid_argument("not a DECIMAL amount: " + original);
    }
    cents = cents * 10 + (digit - '0');
  }
  const std::int64_t total = units * 100 + cents;
  return negative ? -total : total;
}

std::optional<std::int64_t> JsonToCents(const boost::json::value& value) {
  if (value.is_int64()) {
    const std::int64_t units = value.get_int64();
    if (units < 0 || units > kMaxCents / 100) {
      return std::nullopt;
    }
    return units * 100;
  }
  if (value.is_uint64()) {
    const std::uint64_t units = value.get_uint64();
    if (units > static_cast<std::uint64_t>(kMaxCents / 100)) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(units) * 100;
  }
  if (!value.is_double()) {
    return std::nullopt;
  }
  const double scaled = value.get_double() * 100.0;
  if (!std::isfinite(scaled) || scaled < 0 || scaled > static_cast<double>(kMaxCents)) {
    return std::nullopt;
  }
  const double rounded = std::round(scaled);
  // The double nearest to an amount with two decimals is within a tiny fraction of a cent of it; a
  // third decimal is not.
  if (std::fabs(scaled - rounded) > 1e-3) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(rounded);
}

boost::json::value CentsToJson(std::int64_t cents) {
  // Not `return {...}`: a braced json::value is an array.
  boost::json::value amount;
  if (cents % 100 == 0) {
    amount = cents / 100;
  } else {
    amount = static_cast<double>(cents) / 100.0;
  }
  return amount;
}

}  // namespace bookstore::orders
