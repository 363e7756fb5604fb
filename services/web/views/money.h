#pragma once
// Prices for display. The catalog and orders services own every amount; web only formats them, and adds
// line prices up for the cart's estimate (the order's own total is what the buyer is charged). Parsing and
// the decimal text of an amount are libs/money's; what is here is web's own leniency and presentation.

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::web {

// A JSON amount (money::FromJson) or a decimal string ("12.50", money::ParseDecimal) in cents; nullopt
// otherwise.
std::optional<std::int64_t> CentsFromJson(const boost::json::value& amount);

// 123456 -> "$1,234.56"; negative amounts get a leading "-".
std::string FormatCents(std::int64_t cents);

// A price typed into a form ("12", "12.5", "$12.50", " 12.50 ") as the exact decimal text to send to the
// API ("12.50"); nullopt when it is not a non-negative amount with at most two decimals. The value of a
// price field when editing is money::ToDecimal's text, which this reads back unchanged.
std::optional<std::string> NormalizePriceInput(std::string_view text);

}  // namespace bookstore::web
