#pragma once
// An order as the API shows it (docs/design.md §2), with its items, payment and delivery.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/order_state.h"

namespace bookstore::orders {

struct OrderItem {
  std::int64_t book_id = 0;
  std::int64_t quantity = 0;
  std::optional<std::string> title;  // from the book read model, then from order.stock_reserved
  std::optional<std::int64_t> seller_id;
  std::optional<std::int64_t> unit_price_cents;  // from order.stock_reserved only
  std::optional<std::int64_t> available;         // a rejected order's short items: what catalog had
};

struct Order {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  OrderStatus status = OrderStatus::kPending;
  // cancelled: user, admin, payment_timeout, book_deleted; rejected: insufficient_stock, book_not_found.
  std::optional<std::string> reason;
  std::vector<OrderItem> items;               // in the order the client gave them
  std::optional<std::int64_t> total_cents;    // from order.stock_reserved
  std::optional<std::string> payment_due_at;  // RFC 3339; while awaiting payment
  std::string created_at;                     // RFC 3339 UTC
  std::string updated_at;
};

struct Payment {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::int64_t amount_cents = 0;
  std::string method;  // credit_card, paypal, bank_transfer
  std::string status;  // completed, declined
  std::optional<std::string> decline_reason;
  std::string reference;  // the provider's id of the charge
  std::string created_at;
};

struct DeliveryProvider {
  std::int64_t id = 0;
  std::string name;
  std::string coverage_area;
  std::int64_t cost_cents = 0;
};

struct Delivery {
  std::int64_t order_id = 0;
  DeliveryProvider provider;
  std::string tracking_number;
  std::string created_at;
};

// {id, user_id, status, reason, items: [{book_id, title, seller_id, quantity, unit_price}], book_id,
// quantity (the first item's), total_price, payment_due_at, created_at, updated_at}; unknown values
// (the prices of a pending order) are null; a rejected order's short items also carry "available".
boost::json::object OrderToJson(const Order& order);

// {id, order_id, amount, method, status, reference, created_at} (+ decline_reason when declined).
boost::json::object PaymentToJson(const Payment& payment);

// {id, name, coverage_area, cost}
boost::json::object ProviderToJson(const DeliveryProvider& provider);

// {order_id, provider, provider_id, cost, tracking_number, created_at}
boost::json::object DeliveryToJson(const Delivery& delivery);

// For the 409/404 answer of a rejected order: "insufficient stock for \"Dune\" (book 7): requested 3,
// 1 available; book 9: requested 2, 0 available" (a title when the read model knows it) or "book not
// found: 42, 43".
std::string RejectionDetail(const Order& order);

// "2024-01-31 12:00:00.123" (a DATETIME(3) in UTC as MariaDB prints it) -> "2024-01-31T12:00:00.123Z".
std::string DatabaseTimeToRfc3339(std::string_view datetime);

}  // namespace bookstore::orders
