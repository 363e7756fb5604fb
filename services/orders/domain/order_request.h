#pragma once
// What POST /orders accepts: {items: [{book_id, quantity}, ...]} or, for one book, {book_id, quantity}
// (quantity defaults to 1), optionally with a user_id that must be the caller's; and the optional
// Idempotency-Key header.

#include <boost/json/object.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::orders {

inline constexpr std::int64_t kMaxId = std::numeric_limits<std::int64_t>::max();  // ids: 1 to this
inline constexpr std::int64_t kMaxQuantity = 1000;  // copies of one book in one order
inline constexpr std::size_t kMaxItems = 50;        // different books in one order
inline constexpr std::size_t kMaxIdempotencyKey = 255;

struct RequestedItem {
  std::int64_t book_id = 0;
  std::int64_t quantity = 0;
};

struct OrderRequest {
  std::vector<RequestedItem> items;     // one per book, in the order first given
  std::optional<std::int64_t> user_id;  // as given in the body; the handler compares it with the caller
};

// Validates the body. Throws ValidationError naming the field: items a non-empty array of at most 50
// objects, book_id a positive integer, quantity an integer from 1 to 1000; both shapes at once is an
// error. The same book named twice is merged (quantities added, still at most 1000).
OrderRequest ParseOrderRequest(const boost::json::object& body);

// The key as given, when sane (1 to 255 printable ASCII characters); nullopt when the header is absent.
// Throws ValidationError for field "Idempotency-Key" otherwise.
std::optional<std::string> ParseIdempotencyKey(std::optional<std::string_view> header);

// What a retry with the same Idempotency-Key must repeat: the books and quantities, whatever their order
// in the request ("12x1,40x3", sorted by book id).
std::string Fingerprint(const OrderRequest& request);

}  // namespace bookstore::orders
