#pragma once
// Prices for display. The catalog and orders services own every amount; web only formats them, and adds
// line prices up for the cart's estimate (the order's own total is what the buyer is charged).

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::web {

// A JSON amount (number with at most two decimals, or a decimal string) in cents; nullopt otherwise.
std::optional<std::int64_t> CentsFromJson(const boost::json::value& amount);

// 123456 -> "$1,234.56"; negative amounts get a leading "-".
std::string FormatCents(std::int64_t cents);

// A price typed into a form ("12", "12.5", "$12.50", " 12.50 ") as the exact decimal text to send to the
// API ("12.50"); nullopt when it is not a non-negative amount with at most two decimals.
std::optional<std::string> NormalizePriceInput(std::string_view text);

// "12.50" for 1250: the value of a price field when editing.
std::string CentsToInput(std::int64_t cents);

}  // namespace bookstore::web
