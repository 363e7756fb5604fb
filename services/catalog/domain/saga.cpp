#include "domain/saga.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <limits>

#include "bookstore/money/money.h"

namespace bookstore::catalog {
namespace {

namespace json = boost::json;

const json::object& RequireObject(const json::value& value, const std::string& what) {
  const json::object* object = value.if_object();
  if (object == nullptr) {
    throw MalformedEvent(what + " is not a JSON object");
  }
  return *object;
}

std::int64_t RequirePositive(const json::object& object, std::string_view field, std::int64_t max) {
  const json::value* value = object.if_contains(field);
  if (value == nullptr || !value->is_int64() || value->get_int64() <= 0 || value->get_int64() > max) {
    throw MalformedEvent(std::string(field) + " must be an integer from 1 to " + std::to_string(max));
  }
  return value->get_int64();
}

constexpr std::int64_t kMaxId = std::numeric_limits<std::int64_t>::max();

}  // namespace

PlacedOrder ParseOrderPlaced(const json::value& data) {
  const json::object& object = RequireObject(data, "order.placed data");
  PlacedOrder order;
  order.order_id = RequirePositive(object, "order_id", kMaxId);
  order.user_id = RequirePositive(object, "user_id", kMaxId);
  const json::value* items = object.if_contains("items");
  if (items == nullptr || !items->is_array() || items->get_array().empty()) {
    throw MalformedEvent("items must be a non-empty array");
  }
  std::map<std::int64_t, std::int64_t> quantities;
  for (const json::value& item : items->get_array()) {
    const json::object& fields = RequireObject(item, "an item");
    const std::int64_t book_id = RequirePositive(fields, "book_id", kMaxId);
    const std::int64_t quantity = RequirePositive(fields, "quantity", kMaxItemQuantity);
    std::int64_t& total = quantities[book_id];
    total += quantity;
    if (total > kMaxItemQuantity) {
      throw MalformedEvent("quantity of one book above " + std::to_string(kMaxItemQuantity));
    }
  }
  for (const auto& [book_id, quantity] : quantities) {
    order.items.push_back({book_id, quantity});
  }
  return order;
}

CancelledOrder ParseOrderCancelled(const json::value& data) {
  const json::object& object = RequireObject(data, "order.cancelled data");
  return CancelledOrder{RequirePositive(object, "order_id", kMaxId),
                        RequirePositive(object, "user_id", kMaxId)};
}

ReservationDecision DecideReservation(const PlacedOrder& order, const std::map<std::int64_t, Book>& books) {
  ReservationDecision decision;
  std::vector<Shortfall> missing;
  std::vector<Shortfall> insufficient;
  for (const OrderItem& item : order.items) {
    const auto found = books.find(item.book_id);
    if (found == books.end() || found->second.deleted) {
      missing.push_back({item.book_id, item.quantity, 0});
    } else if (found->second.stock < item.quantity) {
      insufficient.push_back({item.book_id, item.quantity, found->second.stock});
    }
  }
  if (!missing.empty()) {
    decision.reason = "book_not_found";
    decision.shortfalls = std::move(missing);
  } else if (!insufficient.empty()) {
    decision.reason = "insufficient_stock";
    decision.shortfalls = std::move(insufficient);
  } else {
    decision.reserve = true;
  }
  return decision;
}

json::object StockReservedData(const PlacedOrder& order, const std::map<std::int64_t, Book>& books) {
  json::array items;
  std::int64_t total_cents = 0;
  for (const OrderItem& item : order.items) {
    const Book& book = books.at(item.book_id);
    total_cents += book.price_cents * item.quantity;
    items.push_back(json::object{{"book_id", item.book_id},
                                 {"title", book.title},
                                 {"seller_id", book.seller_id},
                                 {"quantity", item.quantity},
                                 {"unit_price", money::ToJson(book.price_cents)}});
  }
  return json::object{{"order_id", order.order_id},
                      {"user_id", order.user_id},
                      {"items", std::move(items)},
                      {"total_price", money::ToJson(total_cents)}};
}

json::object StockRejectedData(const PlacedOrder& order, const ReservationDecision& decision) {
  json::array items;
  for (const Shortfall& shortfall : decision.shortfalls) {
    items.push_back(json::object{{"book_id", shortfall.book_id},
                                 {"requested", shortfall.requested},
                                 {"available", shortfall.available}});
  }
  return json::object{{"order_id", order.order_id},
                      {"user_id", order.user_id},
                      {"reason", decision.reason},
                      {"items", std::move(items)}};
}

}  // namespace bookstore::catalog
