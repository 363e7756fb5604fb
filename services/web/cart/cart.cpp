#include "cart/cart.h"

#include <algorithm>

namespace bookstore::web {
namespace {

std::vector<CartLine>::iterator FindLine(std::vector<CartLine>& cart, std::int64_t book_id) {
  return std::find_if(cart.begin(), cart.end(),
                      [book_id](const CartLine& line) { return line.book_id == book_id; });
}

}  // namespace

CartChange AddToCart(std::vector<CartLine>& cart, std::int64_t book_id, std::int64_t quantity) {
  if (book_id <= 0 || quantity < 1 || quantity > kMaxCartQuantity) {
    return CartChange::kInvalidQuantity;
  }
  auto line = FindLine(cart, book_id);
  if (line == cart.end()) {
    if (cart.size() >= kMaxCartLines) {
      return CartChange::kTooManyLines;
    }
    cart.push_back(CartLine{book_id, quantity});
    return CartChange::kDone;
  }
  if (line->quantity + quantity > kMaxCartQuantity) {
    line->quantity = kMaxCartQuantity;
    return CartChange::kCapped;
  }
  line->quantity += quantity;
  return CartChange::kDone;
}

CartChange SetCartQuantity(std::vector<CartLine>& cart, std::int64_t book_id, std::int64_t quantity) {
  if (quantity < 0 || quantity > kMaxCartQuantity) {
    return CartChange::kInvalidQuantity;
  }
  auto line = FindLine(cart, book_id);
  if (line == cart.end()) {
    return CartChange::kNotInCart;
  }
  if (quantity == 0) {
    cart.erase(line);
  } else {
    line->quantity = quantity;
  }
  return CartChange::kDone;
}

CartChange RemoveFromCart(std::vector<CartLine>& cart, std::int64_t book_id) {
  auto line = FindLine(cart, book_id);
  if (line == cart.end()) {
    return CartChange::kNotInCart;
  }
  cart.erase(line);
  return CartChange::kDone;
}

std::int64_t CartCopies(const std::vector<CartLine>& cart) {
  std::int64_t copies = 0;
  for (const auto& line : cart) {
    copies += line.quantity;
  }
  return copies;
}

std::int64_t QuantityInCart(const std::vector<CartLine>& cart, std::int64_t book_id) {
  for (const auto& line : cart) {
    if (line.book_id == book_id) {
      return line.quantity;
    }
  }
  return 0;
}

}  // namespace bookstore::web
