#pragma once
// Money is exact (DESIGN §2): integer cents here, DECIMAL in MariaDB, and in JSON a number with at most
// two decimals. Amounts only ever come from catalog's order.stock_reserved, never from a client.

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::orders {

// Amounts above this are refused when read from an event (far above any order: 1,000 copies of 50
// books at catalog's maximum price of 1,000,000.00 is 5 * 10^12 cents).
inline constexpr std::int64_t kMaxCents = 1'000'000'000'000'000;  // 10^16 cents

// "12.50" for 1250, "-0.05" for -5: DECIMAL parameters and messages.
std::string CentsToDecimal(std::int64_t cents);

// A DECIMAL as MariaDB prints it ("12.50", "7", "-3.1") to cents. Throws std::invalid_argument for
// anything else or more than two decimals.
std::int64_t DecimalToCents(std::string_view text);

// The amount of a JSON number from an event (12, 12.5, 12.50): nullopt when it is not a number, is
// negative, above kMaxCents, or has more than two decimals.
std::optional<std::int64_t> JsonToCents(const boost::json::value& value);

// The JSON value for an amount: an integer when whole (prints "50"), else the double nearest to it,
// which SerializeJson (json_text.h) prints as exactly the amount's decimal text ("12.5").
boost::json::value CentsToJson(std::int64_t cents);

}  // namespace bookstore::orders
