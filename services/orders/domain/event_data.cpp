#include "domain/event_data.h"

#include <boost/json/array.hpp>

#include "bookstore/money/money.h"
#include "domain/errors.h"
#include "domain/order_request.h"

namespace bookstore::orders {
namespace {

namespace json = boost::json;

// Amounts above this are refused when read from an event: far above any order (1,000 copies of 50 books
// at catalog's maximum price of 1,000,000.00 is 5 * 10^12 cents), so a larger one is a bug upstream.
constexpr std::int64_t kMaxCents = 1'000'000'000'000'000;  // 10^15 cents
static_assert(kMaxCents <= money::kMaxCents);

const json::object& RequireObject(const json::value& value, const std::string& what) {
  const json::object* object = value.if_object();
  if (object == nullptr) {
    throw MalformedEvent(what + " is not a JSON object");
  }
  return *object;
}

std::int64_t RequireInt(const json::object& object, std::string_view field, std::int64_t min,
                        std::int64_t max) {
  const json::value* value = object.if_contains(field);
  if (value == nullptr || !value->is_int64() || value->get_int64() < min || value->get_int64() > max) {
    throw MalformedEvent(std::string(field) + " must be an integer from " + std::to_string(min) + " to " +
                         std::to_string(max));
  }
  return value->get_int64();
}

std::string RequireString(const json::object& object, std::string_view field) {
  const json::value* value = object.if_contains(field);
  if (value == nullptr || !value->is_string()) {
    throw MalformedEvent(std::string(field) + " must be a string");
  }
  return std::string(value->get_string());
}

std::string OptionalString(const json::object& object, std::string_view field) {
  const json::value* value = object.if_contains(field);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::int64_t RequireAmount(const json::object& object, std::string_view field) {
  const json::value* value = object.if_contains(field);
  const auto cents = value != nullptr ? money::FromJson(*value) : std::nullopt;
  if (!cents || *cents < 0 || *cents > kMaxCents) {
    throw MalformedEvent(std::string(field) + " must be an amount with at most two decimals");
  }
  return *cents;
}

const json::array& RequireItems(const json::object& object) {
  const json::value* items = object.if_contains("items");
  if (items == nullptr || !items->is_array()) {
    throw MalformedEvent("items must be an array");
  }
  return items->get_array();
}

}  // namespace

StockReserved ParseStockReserved(const json::value& data) {
  const json::object& object = RequireObject(data, "order.stock_reserved data");
  StockReserved event;
  event.order_id = RequireInt(object, "order_id", 1, kMaxId);
  event.user_id = RequireInt(object, "user_id", 1, kMaxId);
  for (const json::value& element : RequireItems(object)) {
    const json::object& item = RequireObject(element, "an item");
    event.items.push_back(ReservedItem{RequireInt(item, "book_id", 1, kMaxId), OptionalString(item, "title"),
                                       RequireInt(item, "seller_id", 1, kMaxId),
                                       RequireInt(item, "quantity", 1, kMaxId),
                                       RequireAmount(item, "unit_price")});
  }
  if (event.items.empty()) {
    throw MalformedEvent("items must not be empty");
  }
  event.total_cents = RequireAmount(object, "total_price");
  return event;
}

StockRejected ParseStockRejected(const json::value& data) {
  const json::object& object = RequireObject(data, "order.stock_rejected data");
  StockRejected event;
  event.order_id = RequireInt(object, "order_id", 1, kMaxId);
  event.user_id = RequireInt(object, "user_id", 1, kMaxId);
  event.reason = RequireString(object, "reason");
  if (event.reason != "insufficient_stock" && event.reason != "book_not_found") {
    throw MalformedEvent("reason must be insufficient_stock or book_not_found");
  }
  for (const json::value& element : RequireItems(object)) {
    const json::object& item = RequireObject(element, "an item");
    event.items.push_back(Shortfall{RequireInt(item, "book_id", 1, kMaxId),
                                    RequireInt(item, "requested", 0, kMaxId),
                                    RequireInt(item, "available", 0, kMaxId)});
  }
  return event;
}

BookSnapshot ParseBookEvent(const json::value& data, bool deleted_event) {
  const json::object& object = RequireObject(data, "book event data");
  BookSnapshot book;
  book.id = RequireInt(object, "id", 1, kMaxId);
  book.title = RequireString(object, "title");
  book.price_cents = RequireAmount(object, "price");
  book.seller_id = RequireInt(object, "seller_id", 1, kMaxId);
  book.seller_name = OptionalString(object, "seller_name");
  book.version = RequireInt(object, "version", 1, kMaxId);
  const json::value* deleted = object.if_contains("deleted");
  book.deleted = deleted_event || (deleted != nullptr && deleted->is_bool() && deleted->get_bool());
  return book;
}

json::object OrderPlacedData(std::int64_t order_id, std::int64_t user_id,
                             const std::vector<RequestedItem>& items) {
  json::array list;
  for (const RequestedItem& item : items) {
    list.push_back(json::object{{"book_id", item.book_id}, {"quantity", item.quantity}});
  }
  return json::object{{"order_id", order_id}, {"user_id", user_id}, {"items", std::move(list)}};
}

json::object OrderCancelledData(std::int64_t order_id, std::int64_t user_id, const std::string& reason) {
  return json::object{{"order_id", order_id}, {"user_id", user_id}, {"reason", reason}};
}

json::object OrderPaidData(std::int64_t order_id, std::int64_t user_id, std::int64_t payment_id,
                           std::int64_t amount_cents, const std::string& method) {
  return json::object{{"order_id", order_id},
                      {"user_id", user_id},
                      {"payment_id", payment_id},
                      {"amount", money::ToJson(amount_cents)},
                      {"method", method}};
}

json::object DeliveryAssignedData(std::int64_t order_id, std::int64_t user_id, const std::string& provider,
                                  std::int64_t cost_cents, const std::string& tracking_number) {
  return json::object{{"order_id", order_id},
                      {"user_id", user_id},
                      {"provider", provider},
                      {"cost", money::ToJson(cost_cents)},
                      {"tracking_number", tracking_number}};
}

}  // namespace bookstore::orders
