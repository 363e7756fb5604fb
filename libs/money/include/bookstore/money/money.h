#pragma once
// Money is exact (docs/design.md §2): integer cents in C++, DECIMAL in MariaDB, and in JSON a number with at
// most two decimals, never a binary fraction used for arithmetic. These are the conversions between those
// forms; a service's own limits (a price above 0, a non-negative total) are its rules, on top of them.
//
//   money::ToDecimal(1250)          "12.50"   DECIMAL parameters, messages, form fields
//   money::FromDecimal("12.50")     1250      DECIMAL columns (throws)
//   money::ParseDecimal("12.5")     1250      text typed or sent by someone (optional)
//   money::ToJson(1250)             12.5      prints as "12.5" with json::Serialize
//   money::FromJson(value)          1250      a JSON number with at most two decimals (optional)

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::money {

// The largest amount (in either sign) that the parsers accept and that ToJson carries exactly:
// 2^46 units less a cent. Up to it, neighbouring cent values are different doubles (spaced at most 2^-7
// apart), so the shortest text of each double is its exact decimal; beyond it two amounts may share one
// double. About 7 * 10^15 cents, far above any price (10^8) or order total.
inline constexpr std::int64_t kMaxCents = (std::int64_t{1} << 46) * 100 - 1;

// "12.50" for 1250, "-0.05" for -5: always two decimals. Defined for every int64, INT64_MIN included.
std::string ToDecimal(std::int64_t cents);

// "12", "12.5", "12.50", "-3.10", "007" -> cents: an optional '-', digits, and optionally '.' with one or
// two digits; nothing else (no '+', spaces, exponent or third decimal). nullopt beyond kMaxCents.
std::optional<std::int64_t> ParseDecimal(std::string_view text);

// ParseDecimal for a DECIMAL column as MariaDB prints it: throws std::invalid_argument where ParseDecimal
// has no value, since the schema allows nothing else.
std::int64_t FromDecimal(std::string_view text);

// The amount of a JSON number: an integer, or a double whose shortest text (what json::Serialize prints)
// has at most two decimals. nullopt for anything else (strings too) or beyond kMaxCents.
std::optional<std::int64_t> FromJson(const boost::json::value& value);

// The JSON value of an amount: an integer when whole ("50"), else the double nearest to it, which
// json::Serialize prints as exactly the amount's decimal text ("12.5") up to kMaxCents. The double only
// carries the amount to the writer; never do arithmetic with it.
boost::json::value ToJson(std::int64_t cents);

}  // namespace bookstore::money
