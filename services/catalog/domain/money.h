#pragma once
// Money is exact: integer cents in C++, DECIMAL(10,2) in MariaDB, and in JSON a number with at most two
// decimals. A price read from a request is parsed from the JSON number's own text, never via double.

#include <cstdint>
#include <string>
#include <string_view>

namespace bookstore::catalog {

inline constexpr std::int64_t kMaxPriceCents = 100'000'000;  // 1,000,000.00

// Parses the text of a JSON number (as it appears in the request, e.g. "12.5", "1250e-2", "10.500")
// into cents, exactly. The price must be above 0, at most 1,000,000 and have at most two decimals
// (trailing zeros do not count: "10.500" is 10.50). Throws ValidationError for field "price".
std::int64_t ParsePriceCents(std::string_view json_number);

// "12.50" for 1250; "-0.05" for -5. Used for DECIMAL parameters and messages.
std::string CentsToDecimal(std::int64_t cents);

// Parses a DECIMAL as MariaDB prints it ("12.50", "7", "-3.1") into cents. Throws std::invalid_argument
// for anything else or more than two decimals.
std::int64_t DecimalToCents(std::string_view text);

// Amounts up to this many cents (2^46 units: doubles there are spaced less than a cent apart) survive
// CentsToJsonNumber exactly; prices are at most 10^8 cents and order totals far below the limit.
inline constexpr std::int64_t kExactJsonCentsLimit = (std::int64_t{1} << 46) * 100 - 1;

// The value to put in a boost::json::value for an amount. The double nearest to cents/100 prints, with
// SerializeJson's shortest round-trip fixed notation (json_text.h), as exactly the amount's decimal text
// ("12.5" for 1250) for every amount up to kExactJsonCentsLimit; it is only a carrier to the writer,
// never used for arithmetic.
double CentsToJsonNumber(std::int64_t cents);

}  // namespace bookstore::catalog
