#pragma once
// How much one user may hold without paying, and how fast they may place orders (issue 13, finding 5):
// without these one user could hold a book's whole stock for ORDER_PAYMENT_TIMEOUT, again and again.
// Counted from the orders database, so every replica enforces the same numbers.

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include "domain/order_request.h"

namespace bookstore::orders {

struct OrderLimits {
  std::int64_t max_unpaid_orders = 5;           // ORDER_MAX_UNPAID_ORDERS: pending or awaiting payment
  std::int64_t max_unpaid_copies_per_book = 5;  // ORDER_MAX_UNPAID_COPIES: of one book, in those orders
  std::int64_t max_orders_per_window = 30;      // ORDER_RATE_LIMIT: orders placed per window
  std::chrono::milliseconds window{std::chrono::minutes(10)};  // ORDER_RATE_WINDOW
};

// What the user holds now: their unpaid orders and, by book, the copies in them. copies_by_book may be
// left unread (empty) when MayPassUnpaidCopies says that no book's copies can pass the limit.
struct UnpaidHoldings {
  std::int64_t orders = 0;
  std::map<std::int64_t, std::int64_t> copies_by_book;
};

// The user's unpaid orders as the index orders_user holds them (migration 0011): how many, the copies in
// them, and whether some were written without their count (their copies unknown).
struct UnpaidTotals {
  std::int64_t orders = 0;
  std::int64_t copies = 0;
  bool uncounted = false;
};

// Whether the copies of some book held by a user with these totals could pass ORDER_MAX_UNPAID_COPIES
// once `requesting` more copies (of any books) are placed: only then must they be counted book by book.
// Copies of one book never exceed the copies of all books, so when all of them stay within the limit
// the per-book count cannot refuse anything, and the cost of the check stays that of the index.
bool MayPassUnpaidCopies(const OrderLimits& limits, const UnpaidTotals& held, std::int64_t requesting);

// A limit the new order would pass. `setting` names it (ORDER_MAX_UNPAID_ORDERS, ...); rate is true for
// the rate limit (the caller may retry later), false for a holding (pay or cancel an order first).
class OrderLimitExceeded : public std::runtime_error {
 public:
  OrderLimitExceeded(std::string setting, std::int64_t limit, bool rate, const std::string& message,
                     std::int64_t book_id = 0)
      : std::runtime_error(message),
        setting_(std::move(setting)),
        limit_(limit),
        rate_(rate),
        book_id_(book_id) {}
  [[nodiscard]] const std::string& Setting() const noexcept { return setting_; }
  [[nodiscard]] std::int64_t Limit() const noexcept { return limit_; }
  [[nodiscard]] bool Rate() const noexcept { return rate_; }
  [[nodiscard]] std::int64_t BookId() const noexcept { return book_id_; }  // 0: not about one book

 private:
  std::string setting_;
  std::int64_t limit_;
  bool rate_;
  std::int64_t book_id_;
};

// Throws OrderLimitExceeded when placing `request` would pass a limit, given what the user holds and how
// many orders they placed within the window.
void CheckOrderLimits(const OrderLimits& limits, const UnpaidHoldings& held, std::int64_t placed_in_window,
                      const OrderRequest& request);

}  // namespace bookstore::orders
