#pragma once
// A book's price: catalog's own rule on top of libs/money. It is parsed from the JSON number's own text
// (json::TopLevelNumberTexts), never via double, so that "10.500" and "1250e-2" are read exactly and a
// third decimal is always seen.

#include <cstdint>
#include <string_view>

namespace bookstore::catalog {

inline constexpr std::int64_t kMaxPriceCents = 100'000'000;  // 1,000,000.00

// Parses the text of a JSON number (as it appears in the request, e.g. "12.5", "1250e-2", "10.500")
// into cents, exactly. The price must be above 0, at most 1,000,000 and have at most two decimals
// (trailing zeros do not count: "10.500" is 10.50). Throws ValidationError for field "price".
std::int64_t ParsePriceCents(std::string_view json_number);

}  // namespace bookstore::catalog
