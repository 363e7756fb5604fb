#include "domain/order_limits.h"

#include <gtest/gtest.h>

namespace bookstore::orders {
namespace {

OrderRequest Books(std::vector<RequestedItem> items) { return OrderRequest{std::move(items), std::nullopt}; }

OrderLimitExceeded Refusal(const OrderLimits& limits, const UnpaidHoldings& held, std::int64_t placed,
                           const OrderRequest& request) {
  try {
    CheckOrderLimits(limits, held, placed, request);
  } catch (const OrderLimitExceeded& e) {
    return e;
  }
  ADD_FAILURE() << "no limit was hit";
  return {"", 0, false, ""};
}

const OrderLimits kLimits{
    .max_unpaid_orders = 3, .max_unpaid_copies_per_book = 4, .max_orders_per_window = 10};

TEST(OrderLimitsTest, WithinEveryLimitPasses) {
  const UnpaidHoldings held{.orders = 2, .copies_by_book = {{7, 3}}};
  EXPECT_NO_THROW(CheckOrderLimits(kLimits, held, 9, Books({{7, 1}, {8, 4}})));
}

TEST(OrderLimitsTest, CopiesOfOneBookCountAcrossTheUsersUnpaidOrders) {
  const UnpaidHoldings held{.orders = 1, .copies_by_book = {{7, 3}}};
  const auto e = Refusal(kLimits, held, 0, Books({{8, 1}, {7, 2}}));
  EXPECT_EQ(e.Setting(), "ORDER_MAX_UNPAID_COPIES");
  EXPECT_EQ(e.BookId(), 7);
  EXPECT_EQ(e.Limit(), 4);
  EXPECT_FALSE(e.Rate());
  EXPECT_STREQ(
      e.what(),
      "too many unpaid copies of book 7: at most 4 may be held unpaid by one buyer (3 already); pay or "
      "cancel an order first");
  // One order asking for more than the cap on its own.
  EXPECT_EQ(Refusal(kLimits, {}, 0, Books({{9, 5}})).Setting(), "ORDER_MAX_UNPAID_COPIES");
}

TEST(OrderLimitsTest, UnpaidOrdersAreCapped) {
  const auto e = Refusal(kLimits, UnpaidHoldings{.orders = 3, .copies_by_book = {}}, 0, Books({{1, 1}}));
  EXPECT_EQ(e.Setting(), "ORDER_MAX_UNPAID_ORDERS");
  EXPECT_EQ(e.Limit(), 3);
  EXPECT_FALSE(e.Rate());
}

TEST(OrderLimitsTest, TheRateIsCappedAndSaysSo) {
  const auto e = Refusal(kLimits, {}, 10, Books({{1, 1}}));
  EXPECT_EQ(e.Setting(), "ORDER_RATE_LIMIT");
  EXPECT_TRUE(e.Rate());
  EXPECT_STREQ(e.what(), "too many orders: at most 10 may be placed per 600 s; try again later");
}

TEST(OrderLimitsTest, CopiesAreCountedByBookOnlyWhenTheirTotalCouldPassTheLimit) {
  // 3 copies held in all, the limit 4: asking for 1 more cannot pass it for any book, 2 more could.
  EXPECT_FALSE(MayPassUnpaidCopies(kLimits, UnpaidTotals{.orders = 2, .copies = 3, .uncounted = false}, 1));
  EXPECT_TRUE(MayPassUnpaidCopies(kLimits, UnpaidTotals{.orders = 2, .copies = 3, .uncounted = false}, 2));
  // An order written before its copies were counted: its copies are unknown, so they are counted.
  EXPECT_TRUE(MayPassUnpaidCopies(kLimits, UnpaidTotals{.orders = 1, .copies = 0, .uncounted = true}, 1));
  // Nothing held: only a batch asking for more than the limit on its own.
  EXPECT_FALSE(MayPassUnpaidCopies(kLimits, UnpaidTotals{}, 4));
  EXPECT_TRUE(MayPassUnpaidCopies(kLimits, UnpaidTotals{}, 5));
}

}  // namespace
}  // namespace bookstore::orders
