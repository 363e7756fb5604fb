#pragma once
// The cart kept in the session: book ids and quantities only. Titles, sellers and prices are read from
// the catalog each time the cart is shown (the catalog is the authority on price and stock), and the
// order's total always comes from the orders service.

#include <cstdint>
#include <vector>

#include "session/session.h"

namespace bookstore::web {

// Bounds that keep the session cookie small.
inline constexpr std::size_t kMaxCartLines = 30;
inline constexpr std::int64_t kMaxCartQuantity = 99;

enum class CartChange {
  kDone,
  kInvalidQuantity,  // not 1..kMaxCartQuantity (0 allowed by SetCartQuantity: it removes the line)
  kTooManyLines,     // the cart already holds kMaxCartLines different books
  kNotInCart,        // SetCartQuantity/RemoveFromCart of a book the cart does not hold
  kCapped,           // AddToCart reached kMaxCartQuantity: the line holds that many now
};

// Adds copies of a book, merging with its line when there is one.
CartChange AddToCart(std::vector<CartLine>& cart, std::int64_t book_id, std::int64_t quantity);
// Sets a line's quantity; 0 removes it.
CartChange SetCartQuantity(std::vector<CartLine>& cart, std::int64_t book_id, std::int64_t quantity);
CartChange RemoveFromCart(std::vector<CartLine>& cart, std::int64_t book_id);

// Copies in the cart (the number on the cart link).
std::int64_t CartCopies(const std::vector<CartLine>& cart);
// The quantity of a book in the cart, 0 when absent.
std::int64_t QuantityInCart(const std::vector<CartLine>& cart, std::int64_t book_id);

}  // namespace bookstore::web
