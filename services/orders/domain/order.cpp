#include "domain/order.h"

#include <boost/json/array.hpp>

#include "bookstore/money/money.h"

namespace bookstore::orders {
namespace {

namespace json = boost::json;

json::value Optional(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}
json::value Optional(const std::optional<std::int64_t>& number) {
  return number ? json::value(*number) : json::value(nullptr);
}
json::value OptionalAmount(const std::optional<std::int64_t>& cents) {
  return cents ? money::ToJson(*cents) : json::value(nullptr);
}

json::object ItemToJson(const OrderItem& item, bool rejected) {
  json::object out{{"book_id", item.book_id},
                   {"title", Optional(item.title)},
                   {"seller_id", Optional(item.seller_id)},
                   {"quantity", item.quantity},
                   {"unit_price", OptionalAmount(item.unit_price_cents)}};
  if (rejected && item.available) {
    out["available"] = *item.available;
  }
  return out;
}

std::string BookLabel(const OrderItem& item) {
  if (item.title) {
    return "\"" + *item.title + "\" (book " + std::to_string(item.book_id) + ")";
  }
  return "book " + std::to_string(item.book_id);
}

}  // namespace

json::object OrderToJson(const Order& order) {
  const bool rejected = order.status == OrderStatus::kRejected;
  json::array items;
  items.reserve(order.items.size());
  for (const OrderItem& item : order.items) {
    items.push_back(ItemToJson(item, rejected));
  }
  json::object out{{"id", order.id},
                   {"user_id", order.user_id},
                   {"status", StatusName(order.status)},
                   {"reason", Optional(order.reason)},
                   {"items", std::move(items)}};
  // The single-book shape of the existing web client: the first item again.
  out["book_id"] = order.items.empty() ? json::value(nullptr) : json::value(order.items.front().book_id);
  out["quantity"] = order.items.empty() ? json::value(nullptr) : json::value(order.items.front().quantity);
  out["total_price"] = OptionalAmount(order.total_cents);
  out["payment_due_at"] = Optional(order.payment_due_at);
  out["created_at"] = order.created_at;
  out["updated_at"] = order.updated_at;
  return out;
}

json::object PaymentToJson(const Payment& payment) {
  json::object out{{"id", payment.id},
                   {"order_id", payment.order_id},
                   {"amount", money::ToJson(payment.amount_cents)},
                   {"method", payment.method},
                   {"status", payment.status},
                   {"reference", payment.reference},
                   {"created_at", payment.created_at}};
  if (payment.decline_reason) {
    out["decline_reason"] = *payment.decline_reason;
  }
  return out;
}

json::object ProviderToJson(const DeliveryProvider& provider) {
  return json::object{{"id", provider.id},
                      {"name", provider.name},
                      {"coverage_area", provider.coverage_area},
                      {"cost", money::ToJson(provider.cost_cents)}};
}

json::object DeliveryToJson(const Delivery& delivery) {
  return json::object{{"order_id", delivery.order_id},
                      {"provider", delivery.provider.name},
                      {"provider_id", delivery.provider.id},
                      {"cost", money::ToJson(delivery.provider.cost_cents)},
                      {"tracking_number", delivery.tracking_number},
                      {"created_at", delivery.created_at}};
}

std::string RejectionDetail(const Order& order) {
  const bool missing = order.reason && *order.reason == "book_not_found";
  std::string detail = missing ? "book not found: " : "insufficient stock for ";
  bool first = true;
  for (const OrderItem& item : order.items) {
    if (!item.available) {
      continue;
    }
    if (!first) {
      detail += missing ? ", " : "; ";
    }
    first = false;
    if (missing) {
      detail += std::to_string(item.book_id);
    } else {
      detail += BookLabel(item) + ": requested " + std::to_string(item.quantity) + ", " +
                std::to_string(*item.available) + " available";
    }
  }
  if (first) {
    detail += "one of the books";  // catalog named none (not expected)
  }
  return detail;
}

std::string DatabaseTimeToRfc3339(std::string_view datetime) {
  std::string out(datetime);
  if (out.size() > 10 && out[10] == ' ') {
    out[10] = 'T';
  }
  out += 'Z';
  return out;
}

}  // namespace bookstore::orders
