#include "domain/price.h"

#include <string>

#include "bookstore/service/validation_error.h"

namespace bookstore::catalog {
namespace {

constexpr int kMaxExponentDigits = 6;  // beyond, the value is absurd either way

bool IsDigit(char ch) { return ch >= '0' && ch <= '9'; }

[[noreturn]] void PriceError(const std::string& message) { throw ValidationError("price", message); }

// The parts of a JSON number: sign, all significant digits, and the power of ten that scales them.
struct DecimalParts {
  bool negative = false;
  std::string digits;     // integer and fraction digits, leading zeros stripped
  std::int64_t exponent;  // value = digits * 10^exponent
};

DecimalParts SplitNumber(std::string_view text) {
  DecimalParts parts{};
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    parts.negative = true;
    ++i;
  }
  std::size_t int_begin = i;
  while (i < text.size() && IsDigit(text[i])) {
    ++i;
  }
  if (i == int_begin) {
    PriceError("price must be a number");
  }
  std::string digits(text.substr(int_begin, i - int_begin));
  std::int64_t exponent = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::size_t frac_begin = i;
    while (i < text.size() && IsDigit(text[i])) {
      ++i;
    }
    if (i == frac_begin) {
      PriceError("price must be a number");
    }
    digits.append(text.substr(frac_begin, i - frac_begin));
    exponent -= static_cast<std::int64_t>(i - frac_begin);
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    std::size_t exp_begin = i;
    while (i < text.size() && text[i] == '0') {
      ++i;  // leading zeros say nothing
    }
    std::size_t significant_begin = i;
    while (i < text.size() && IsDigit(text[i])) {
      ++i;
    }
    if (i == exp_begin) {
      PriceError("price must be a number");
    }
    if (i - significant_begin > kMaxExponentDigits) {
      // 1e-9999999 has too many decimals; 1e9999999 is too large (0e9999999 is zero: handled below).
      exponent += exp_negative ? -1'000'000'000LL : 1'000'000'000LL;
    } else if (i > significant_begin) {
      std::int64_t value = std::stoll(std::string(text.substr(significant_begin, i - significant_begin)));
      exponent += exp_negative ? -value : value;
    }
  }
  if (i != text.size()) {
    PriceError("price must be a number");
  }
  std::size_t first_nonzero = digits.find_first_not_of('0');
  parts.digits = first_nonzero == std::string::npos ? std::string() : digits.substr(first_nonzero);
  parts.exponent = exponent;
  return parts;
}

}  // namespace

std::int64_t ParsePriceCents(std::string_view json_number) {
  DecimalParts parts = SplitNumber(json_number);
  // Trailing zeros of the digits move into the exponent: 10.500 = 105 * 10^-1.
  while (!parts.digits.empty() && parts.digits.back() == '0') {
    parts.digits.pop_back();
    ++parts.exponent;
  }
  if (parts.digits.empty() || parts.negative) {
    PriceError("price must be above 0");
  }
  if (parts.exponent < -2) {
    PriceError("price must have at most two decimals");
  }
  // cents = digits * 10^(exponent + 2); kMaxPriceCents has 9 digits.
  const std::int64_t cents_digits = static_cast<std::int64_t>(parts.digits.size()) + parts.exponent + 2;
  if (cents_digits > 9) {
    PriceError("price must be at most 1000000");
  }
  std::int64_t cents = std::stoll(parts.digits);
  for (std::int64_t k = 0; k < parts.exponent + 2; ++k) {
    cents *= 10;
  }
  if (cents > kMaxPriceCents) {
    PriceError("price must be at most 1000000");
  }
  return cents;
}

}  // namespace bookstore::catalog
