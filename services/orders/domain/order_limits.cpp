#include "domain/order_limits.h"

namespace bookstore::orders {

void CheckOrderLimits(const OrderLimits& limits, const UnpaidHoldings& held, std::int64_t placed_in_window,
                      const OrderRequest& request) {
  if (placed_in_window >= limits.max_orders_per_window) {
    throw OrderLimitExceeded(
        "ORDER_RATE_LIMIT", limits.max_orders_per_window, true,
        "too many orders: at most " + std::to_string(limits.max_orders_per_window) + " may be placed per " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(limits.window).count()) +
            " s; try again later");
  }
  if (held.orders >= limits.max_unpaid_orders) {
    throw OrderLimitExceeded("ORDER_MAX_UNPAID_ORDERS", limits.max_unpaid_orders, false,
                             "too many unpaid orders: at most " + std::to_string(limits.max_unpaid_orders) +
                                 " may await payment at once; pay or cancel one first");
  }
  for (const RequestedItem& item : request.items) {
    const auto it = held.copies_by_book.find(item.book_id);
    const std::int64_t already = it == held.copies_by_book.end() ? 0 : it->second;
    if (already + item.quantity > limits.max_unpaid_copies_per_book) {
      throw OrderLimitExceeded("ORDER_MAX_UNPAID_COPIES", limits.max_unpaid_copies_per_book, false,
                               "too many unpaid copies of book " + std::to_string(item.book_id) +
                                   ": at most " + std::to_string(limits.max_unpaid_copies_per_book) +
                                   " may be held unpaid by one buyer (" + std::to_string(already) +
                                   " already); pay or cancel an order first",
                               item.book_id);
    }
  }
}

bool MayPassUnpaidCopies(const OrderLimits& limits, const UnpaidTotals& held, std::int64_t requesting) {
  return held.uncounted || held.copies + requesting > limits.max_unpaid_copies_per_book;
}

}  // namespace bookstore::orders
