#include "cart/cart.h"

#include <gtest/gtest.h>

namespace bookstore::web {
namespace {

TEST(CartTest, AddingTheSameBookMergesLines) {
  std::vector<CartLine> cart;
  EXPECT_EQ(AddToCart(cart, 7, 2), CartChange::kDone);
  EXPECT_EQ(AddToCart(cart, 9, 1), CartChange::kDone);
  EXPECT_EQ(AddToCart(cart, 7, 1), CartChange::kDone);
  ASSERT_EQ(cart.size(), 2U);
  EXPECT_EQ(cart[0], (CartLine{7, 3}));
  EXPECT_EQ(cart[1], (CartLine{9, 1}));
  EXPECT_EQ(CartCopies(cart), 4);
  EXPECT_EQ(QuantityInCart(cart, 7), 3);
  EXPECT_EQ(QuantityInCart(cart, 8), 0);
}

TEST(CartTest, RefusesBadQuantitiesAndIds) {
  std::vector<CartLine> cart;
  EXPECT_EQ(AddToCart(cart, 7, 0), CartChange::kInvalidQuantity);
  EXPECT_EQ(AddToCart(cart, 7, -1), CartChange::kInvalidQuantity);
  EXPECT_EQ(AddToCart(cart, 7, kMaxCartQuantity + 1), CartChange::kInvalidQuantity);
  EXPECT_EQ(AddToCart(cart, 0, 1), CartChange::kInvalidQuantity);
  EXPECT_TRUE(cart.empty());
}

TEST(CartTest, CapsALineAtTheMaximum) {
  std::vector<CartLine> cart;
  AddToCart(cart, 7, kMaxCartQuantity - 1);
  EXPECT_EQ(AddToCart(cart, 7, 5), CartChange::kCapped);
  EXPECT_EQ(QuantityInCart(cart, 7), kMaxCartQuantity);
}

TEST(CartTest, HoldsABoundedNumberOfBooks) {
  std::vector<CartLine> cart;
  for (std::size_t i = 1; i <= kMaxCartLines; ++i) {
    ASSERT_EQ(AddToCart(cart, static_cast<std::int64_t>(i), 1), CartChange::kDone);
  }
  EXPECT_EQ(AddToCart(cart, 1000, 1), CartChange::kTooManyLines);
  EXPECT_EQ(AddToCart(cart, 1, 1), CartChange::kDone) << "an existing line can still grow";
  EXPECT_EQ(cart.size(), kMaxCartLines);
}

TEST(CartTest, SetQuantityChangesOrRemoves) {
  std::vector<CartLine> cart{{7, 2}, {9, 1}};
  EXPECT_EQ(SetCartQuantity(cart, 7, 5), CartChange::kDone);
  EXPECT_EQ(QuantityInCart(cart, 7), 5);
  EXPECT_EQ(SetCartQuantity(cart, 7, 0), CartChange::kDone);
  EXPECT_EQ(QuantityInCart(cart, 7), 0);
  EXPECT_EQ(cart.size(), 1U);
  EXPECT_EQ(SetCartQuantity(cart, 8, 1), CartChange::kNotInCart);
  EXPECT_EQ(SetCartQuantity(cart, 9, -1), CartChange::kInvalidQuantity);
  EXPECT_EQ(SetCartQuantity(cart, 9, kMaxCartQuantity + 1), CartChange::kInvalidQuantity);
  EXPECT_EQ(QuantityInCart(cart, 9), 1);
}

TEST(CartTest, RemoveTakesOnlyThatBook) {
  std::vector<CartLine> cart{{7, 2}, {9, 1}};
  EXPECT_EQ(RemoveFromCart(cart, 7), CartChange::kDone);
  EXPECT_EQ(RemoveFromCart(cart, 7), CartChange::kNotInCart);
  ASSERT_EQ(cart.size(), 1U);
  EXPECT_EQ(cart[0].book_id, 9);
}

}  // namespace
}  // namespace bookstore::web
