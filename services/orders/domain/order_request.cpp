#include "domain/order_request.h"

#include <algorithm>

#include "domain/errors.h"

namespace bookstore::orders {
namespace {

namespace json = boost::json;

std::int64_t ReadInteger(const json::object& object, std::string_view name, const std::string& field,
                         std::int64_t min, std::int64_t max, const std::string& what) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || value->is_null()) {
    throw ValidationError(field, field + " is required");
  }
  if (!value->is_int64() || value->get_int64() < min || value->get_int64() > max) {
    throw ValidationError(field, field + " must be " + what);
  }
  return value->get_int64();
}

std::string QuantityRule() { return "an integer from 1 to " + std::to_string(kMaxQuantity); }

RequestedItem ReadItem(const json::object& object, const std::string& prefix, bool quantity_optional) {
  RequestedItem item;
  item.book_id = ReadInteger(object, "book_id", prefix + "book_id", 1, kMaxId, "a positive integer");
  const json::value* quantity = object.if_contains("quantity");
  if (quantity_optional && (quantity == nullptr || quantity->is_null())) {
    item.quantity = 1;
  } else {
    item.quantity = ReadInteger(object, "quantity", prefix + "quantity", 1, kMaxQuantity, QuantityRule());
  }
  return item;
}

void AddMerged(std::vector<RequestedItem>& items, const RequestedItem& item, const std::string& field) {
  auto same = std::find_if(items.begin(), items.end(),
                           [&](const RequestedItem& known) { return known.book_id == item.book_id; });
  if (same == items.end()) {
    items.push_back(item);
    return;
  }
  same->quantity += item.quantity;
  if (same->quantity > kMaxQuantity) {
    throw ValidationError(field, "at most " + std::to_string(kMaxQuantity) + " copies of book " +
                                     std::to_string(item.book_id) + " per order");
  }
}

}  // namespace

OrderRequest ParseOrderRequest(const json::object& body) {
  OrderRequest request;
  const json::value* user_id = body.if_contains("user_id");
  if (user_id != nullptr && !user_id->is_null()) {
    request.user_id = ReadInteger(body, "user_id", "user_id", 1, kMaxId, "a positive integer");
  }
  const json::value* items = body.if_contains("items");
  if (items == nullptr || items->is_null()) {
    request.items.push_back(ReadItem(body, "", /*quantity_optional=*/true));
    return request;
  }
  if (body.contains("book_id")) {
    throw ValidationError("items", "give either items or book_id and quantity, not both");
  }
  if (!items->is_array() || items->get_array().empty()) {
    throw ValidationError("items", "items must be a non-empty array of {book_id, quantity}");
  }
  const json::array& list = items->get_array();
  if (list.size() > kMaxItems) {
    throw ValidationError("items", "at most " + std::to_string(kMaxItems) + " items per order");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string prefix = "items[" + std::to_string(i) + "].";
    const json::object* object = list[i].if_object();
    if (object == nullptr) {
      throw ValidationError("items", "items[" + std::to_string(i) + "] must be an object");
    }
    AddMerged(request.items, ReadItem(*object, prefix, /*quantity_optional=*/false), prefix + "quantity");
  }
  return request;
}

std::optional<std::string> ParseIdempotencyKey(std::optional<std::string_view> header) {
  if (!header) {
    return std::nullopt;
  }
  const std::string_view key = *header;
  const bool printable =
      std::all_of(key.begin(), key.end(), [](char ch) { return ch >= 0x21 && ch <= 0x7e; });
  if (key.empty() || key.size() > kMaxIdempotencyKey || !printable) {
    throw ValidationError("Idempotency-Key", "Idempotency-Key must be 1 to " +
                                                 std::to_string(kMaxIdempotencyKey) +
                                                 " printable ASCII characters without spaces");
  }
  return std::string(key);
}

std::string Fingerprint(const OrderRequest& request) {
  std::vector<RequestedItem> sorted = request.items;
  std::sort(sorted.begin(), sorted.end(),
            [](const RequestedItem& a, const RequestedItem& b) { return a.book_id < b.book_id; });
  std::string out;
  for (const RequestedItem& item : sorted) {
    if (!out.empty()) {
      out += ',';
    }
    out += std::to_string(item.book_id) + "x" + std::to_string(item.quantity);
  }
  return out;
}

}  // namespace bookstore::orders
