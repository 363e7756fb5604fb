// The request bodies of the orders service, read as its handlers read them (handlers/orders.cpp,
// payments.cpp, delivery.cpp): http::ParseJsonObject, then ParseOrderRequest with ParseIdempotencyKey and
// Fingerprint (POST /orders), ParsePayRequest (POST /orders/{id}/pay), RequiredInt "provider_id"
// (POST /orders/{id}/delivery); and the order.placed data orders publishes for an accepted order, read by
// catalog's ParseOrderPlaced.
//
// Input: <Idempotency-Key header value>\n<body>. A first line of "-" means no header.
//
// Invariants: bad input fails only with ValidationError naming a field or http::Error 400; an accepted
// order has 1-50 items, one per book, each book id positive and quantity 1-1000; its fingerprint lists
// those books in increasing order; catalog accepts the order.placed data made of it and reads the same
// items; an accepted payment names a known method; an accepted key is 1-255 visible characters.

#include "domain/order_request.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bookstore/http/error.h"
#include "bookstore/http/message.h"
#include "bookstore/service/validation_error.h"
#include "check.h"
#include "domain/event_data.h"
#include "domain/payment.h"
#include "domain/saga.h"

namespace {

namespace orders = bookstore::orders;
namespace http = bookstore::http;

void CheckOrder(const orders::OrderRequest& order) {
  FUZZ_CHECK(!order.items.empty() && order.items.size() <= orders::kMaxItems, "1-50 items");
  FUZZ_CHECK(!order.user_id || *order.user_id > 0, "a given user_id is positive");
  std::map<std::int64_t, std::int64_t> books;
  for (const auto& item : order.items) {
    FUZZ_CHECK(item.book_id > 0, "book ids are positive");
    FUZZ_CHECK(item.quantity >= 1 && item.quantity <= orders::kMaxQuantity, "quantities are 1-1000");
    FUZZ_CHECK(books.emplace(item.book_id, item.quantity).second, "one item per book");
  }

  std::string expected;
  for (const auto& [book, quantity] : books) {
    if (!expected.empty()) expected += ',';
    expected += std::to_string(book) + "x" + std::to_string(quantity);
  }
  FUZZ_CHECK(orders::Fingerprint(order) == expected, "the fingerprint lists the books in order");

  const auto data = orders::OrderPlacedData(1, order.user_id.value_or(1), order.items);
  try {
    const auto placed = bookstore::catalog::ParseOrderPlaced(data);
    FUZZ_CHECK(placed.items.size() == books.size(), "catalog reads every item of order.placed");
    for (const auto& item : placed.items) {
      const auto found = books.find(item.book_id);
      FUZZ_CHECK(found != books.end() && found->second == item.quantity, "catalog reads the same items");
    }
  } catch (const bookstore::catalog::MalformedEvent&) {
    FUZZ_CHECK(false, "catalog accepts the order.placed data of every order orders accepts");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string_view key_line = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  try {
    const auto key = orders::ParseIdempotencyKey(key_line == "-" ? std::nullopt : std::optional(key_line));
    if (key) {
      FUZZ_CHECK(!key->empty() && key->size() <= orders::kMaxIdempotencyKey, "a key is 1-255 characters");
      for (const char c : *key) FUZZ_CHECK(c >= 0x21 && c <= 0x7e, "a key is visible ASCII");
    }
  } catch (const bookstore::ValidationError& e) {
    FUZZ_CHECK(e.Field() == "Idempotency-Key", "a bad key names the header");
  }

  http::Request request{http::Verb::post, "/orders", 11};
  request.set(http::Field::content_type, "application/json");
  request.body() = std::string(body);
  boost::json::object object;
  try {
    object = http::ParseJsonObject(request);
  } catch (const http::Error& e) {
    FUZZ_CHECK(e.status() == http::Status::bad_request, "a body that is not a JSON object is 400");
    return 0;
  }

  try {
    CheckOrder(orders::ParseOrderRequest(object));
  } catch (const bookstore::ValidationError& e) {
    FUZZ_CHECK(!e.Field().empty(), "a bad order names its field");
  }
  try {
    const auto pay = orders::ParsePayRequest(object);
    FUZZ_CHECK(pay.method == "credit_card" || pay.method == "paypal" || pay.method == "bank_transfer",
               "a payment names a known method");
  } catch (const bookstore::ValidationError& e) {
    FUZZ_CHECK(e.Field() == "method" || e.Field() == "simulate", "a bad payment names method or simulate");
  }
  try {
    (void)http::RequiredInt(object, "provider_id");
  } catch (const http::Error& e) {
    FUZZ_CHECK(e.status() == http::Status::bad_request, "a bad provider_id is 400");
  }
  return 0;
}
