#pragma once
// The catalog's side of the order saga (docs/design.md §4): reading order.placed / order.cancelled and
// deciding whether an order's items can be reserved. Pure; events/saga_events.cpp does the locking and
// writing.

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/book.h"

namespace bookstore::catalog {

// An event whose data does not have the shape docs/events.md gives it.
class MalformedEvent : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::int64_t kMaxItemQuantity = 1'000'000;

struct OrderItem {
  std::int64_t book_id = 0;
  std::int64_t quantity = 0;
};

struct PlacedOrder {
  std::int64_t order_id = 0;
  std::int64_t user_id = 0;
  std::vector<OrderItem> items;  // one per book, sorted by book_id (the order rows are locked in)
};

// order.placed data {order_id, user_id, items: [{book_id, quantity}]}. Items naming the same book twice
// are merged. Throws MalformedEvent.
PlacedOrder ParseOrderPlaced(const boost::json::value& data);

struct CancelledOrder {
  std::int64_t order_id = 0;
  std::int64_t user_id = 0;
};

// order.cancelled data {order_id, user_id, reason}. Throws MalformedEvent.
CancelledOrder ParseOrderCancelled(const boost::json::value& data);

struct Shortfall {
  std::int64_t book_id = 0;
  std::int64_t requested = 0;
  std::int64_t available = 0;
};

struct ReservationDecision {
  bool reserve = false;
  std::string reason;                 // when not: "book_not_found" or "insufficient_stock"
  std::vector<Shortfall> shortfalls;  // the items short (for book_not_found: the missing books)
};

// All or nothing: every book must exist, not be deleted, and have at least the quantity in stock.
// Missing books win over insufficient stock as the reason. `books` holds the books found, by id.
ReservationDecision DecideReservation(const PlacedOrder& order, const std::map<std::int64_t, Book>& books);

// order.stock_reserved data {order_id, user_id, items: [{book_id, title, seller_id, quantity, unit_price}],
// total_price}, with the books' current prices and titles.
boost::json::object StockReservedData(const PlacedOrder& order, const std::map<std::int64_t, Book>& books);

// order.stock_rejected data {order_id, user_id, reason, items: [{book_id, requested, available}]}.
boost::json::object StockRejectedData(const PlacedOrder& order, const ReservationDecision& decision);

}  // namespace bookstore::catalog
