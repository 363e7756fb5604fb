#pragma once
// The data of the events orders consumes and emits, exactly as docs/events.md fixes them. Pure: parsing
// throws MalformedEvent (errors.h), and events/ does the reading and writing.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/order_request.h"

namespace bookstore::orders {

// order.stock_reserved {order_id, user_id, items: [{book_id, title, seller_id, quantity, unit_price}],
// total_price}
struct ReservedItem {
  std::int64_t book_id = 0;
  std::string title;
  std::int64_t seller_id = 0;
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;
};
struct StockReserved {
  std::int64_t order_id = 0;
  std::int64_t user_id = 0;
  std::vector<ReservedItem> items;
  std::int64_t total_cents = 0;
};
StockReserved ParseStockReserved(const boost::json::value& data);

// order.stock_rejected {order_id, user_id, reason, items: [{book_id, requested, available}]}
struct Shortfall {
  std::int64_t book_id = 0;
  std::int64_t requested = 0;
  std::int64_t available = 0;
};
struct StockRejected {
  std::int64_t order_id = 0;
  std::int64_t user_id = 0;
  std::string reason;  // insufficient_stock or book_not_found
  std::vector<Shortfall> items;
};
StockRejected ParseStockRejected(const boost::json::value& data);

// book.created / book.updated / book.deleted: the whole book plus version (and deleted: true). Only what
// the read model keeps (not the stock: catalog decides on it).
struct BookSnapshot {
  std::int64_t id = 0;
  std::string title;
  std::int64_t price_cents = 0;
  std::int64_t seller_id = 0;
  std::string seller_name;
  std::int64_t version = 0;
  bool deleted = false;
};
// `deleted_event` is true for book.deleted (whatever the data says).
BookSnapshot ParseBookEvent(const boost::json::value& data, bool deleted_event);

// order.placed {order_id, user_id, items: [{book_id, quantity}]}
boost::json::object OrderPlacedData(std::int64_t order_id, std::int64_t user_id,
                                    const std::vector<RequestedItem>& items);
// order.cancelled {order_id, user_id, reason}
boost::json::object OrderCancelledData(std::int64_t order_id, std::int64_t user_id,
                                       const std::string& reason);
// order.paid {order_id, user_id, payment_id, amount, method}
boost::json::object OrderPaidData(std::int64_t order_id, std::int64_t user_id, std::int64_t payment_id,
                                  std::int64_t amount_cents, const std::string& method);
// order.delivery_assigned {order_id, user_id, provider, cost, tracking_number}
boost::json::object DeliveryAssignedData(std::int64_t order_id, std::int64_t user_id,
                                         const std::string& provider, std::int64_t cost_cents,
                                         const std::string& tracking_number);

}  // namespace bookstore::orders
