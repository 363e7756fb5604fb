#pragma once
// A book of the catalog and the rules for creating and changing one (docs/design.md §2, issue 4).

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::catalog {

inline constexpr std::size_t kMaxTitleChars = 200;
inline constexpr std::size_t kMaxAuthorChars = 120;
inline constexpr std::size_t kMaxDescriptionChars = 5000;
inline constexpr std::int64_t kMaxStock = 1'000'000;

struct Book {
  std::int64_t id = 0;
  std::string title;
  std::string author;
  std::string description;
  std::int64_t price_cents = 0;
  std::int64_t stock = 0;           // what can still be bought
  std::int64_t stock_supplied = 0;  // what the seller put up for sale: stock + reserved copies
  std::int64_t seller_id = 0;
  std::string seller_name;
  std::string created_at;  // RFC 3339 UTC
  std::string updated_at;
  std::int64_t version = 0;  // grows by one with every change
  bool deleted = false;
};

// The public representation: {id, title, author, description, price, stock, seller_id, seller_name,
// created_at, updated_at}. The price is a money::ToJson value: json::Serialize (and so http::JsonResponse)
// prints it exactly.
boost::json::object BookToJson(const Book& book);

// The data of a book.* event: the whole book plus "version", and "deleted": true for book.deleted
// (docs/events.md).
boost::json::object BookEventData(const Book& book);

// The fields of a POST or PUT body, validated. Absent (or null) fields are nullopt; unknown fields are
// ignored. Title and author are stored without leading and trailing whitespace.
struct BookInput {
  std::optional<std::string> title;
  std::optional<std::string> author;
  std::optional<std::string> description;
  std::optional<std::int64_t> price_cents;
  std::optional<std::int64_t> stock;
  std::optional<std::int64_t> seller_id;  // only checked against the caller/owner, never stored from here
};

// Parses and validates a request body. Throws ValidationError naming the first field at fault:
// title 1-200 characters, author 1-120, description up to 5,000 (valid UTF-8 without NUL), price above 0,
// at most 1,000,000, at most two decimals (exact), stock a whole number 0..1,000,000, seller_id a
// positive integer.
BookInput ParseBookInput(std::string_view body);

// POST needs title, author, price and stock (description defaults to ""). Throws ValidationError naming
// the first missing field.
void RequireCompleteBook(const BookInput& input);

// What a PUT does to a book.
struct BookChange {
  Book after;               // current with the input applied (id, seller, times, version untouched)
  bool changed = false;     // some field differs
  bool only_stock = false;  // stock is the only field that differs
};

// Applies the given fields to `current`. Setting stock sets what can be bought now; copies held by
// reservations stay held, so stock_supplied moves by the same amount as stock.
BookChange ApplyBookInput(const Book& current, const BookInput& input);

// The event a PUT emits: exactly one per change. "book.stock_changed" when stock is the only field that
// changed, else "book.updated" (both carry the whole book).
std::string_view UpdateEventType(const BookChange& change);

// "2024-01-31 12:00:00.123" (a DATETIME(3) in UTC as MariaDB prints it) -> "2024-01-31T12:00:00.123Z".
std::string DatabaseTimeToRfc3339(std::string_view datetime);

}  // namespace bookstore::catalog
