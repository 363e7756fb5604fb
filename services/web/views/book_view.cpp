#include "views/book_view.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "bookstore/money/money.h"
#include "cart/cart.h"
#include "views/form.h"
#include "views/money.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

constexpr int kCoverColours = 8;
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// First letter (or UTF-8 character) of a title, for the drawn cover.
std::string Initial(std::string_view title) {
  if (title.empty()) {
    return "?";
  }
  std::size_t length = 1;
  const auto lead = static_cast<unsigned char>(title[0]);
  if (lead >= 0xF0) {
    length = 4;
  } else if (lead >= 0xE0) {
    length = 3;
  } else if (lead >= 0xC0) {
    length = 2;
  }
  std::string out(title.substr(0, std::min(length, title.size())));
  if (out.size() == 1 && out[0] >= 'a' && out[0] <= 'z') {
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  }
  return out;
}

// The members of a book's view, in the order of its object: BookView copies a prototype with these keys
// and then sets the values by position, instead of looking every key up to insert it.
enum Member : std::uint8_t {
  kStock,
  kInStock,
  kSoldOut,
  kLowStock,
  kStockLabel,
  kMaxQuantity,
  kId,
  kUrl,
  kTitle,
  kAuthor,
  kDescription,
  kHasDescription,
  kPrice,
  kPriceInput,
  kSellerName,
  kSellerId,
  kIsMine,
  kListed,
  kCover,
  kInitial,
  kInCart,
  kIsInCart,
  kMembers
};
constexpr std::array<std::string_view, kMembers> kMemberNames = {
    "stock", "in_stock",    "sold_out",    "low_stock", "stock_label", "max_quantity",
    "id",    "url",         "title",       "author",    "description", "has_description",
    "price", "price_input", "seller_name", "seller_id", "is_mine",     "listed",
    "cover", "initial",     "in_cart",     "is_in_cart"};

const json::object& Prototype() {
  static const json::object prototype = [] {
    json::object object;
    for (const auto name : kMemberNames) object.emplace(name, nullptr);
    return object;
  }();
  return prototype;
}

void SetStock(std::int64_t stock, json::key_value_pair* members) {
  members[kStock].value() = stock;
  members[kInStock].value() = stock > 0;
  members[kSoldOut].value() = stock <= 0;
  members[kLowStock].value() = stock > 0 && stock <= 3;
  if (stock <= 0) {
    members[kStockLabel].value() = "Sold out";
  } else if (stock <= 3) {
    members[kStockLabel].value() = "Only " + std::to_string(stock) + " left";
  } else {
    members[kStockLabel].value() = std::to_string(stock) + " in stock";
  }
  members[kMaxQuantity].value() = std::min<std::int64_t>(std::max<std::int64_t>(stock, 1), 99);
}

// A string member without copying it, or "".
std::string_view StringViewMember(const json::value& value, std::string_view key) {
  const auto* object = value.if_object();
  const auto* member = object != nullptr ? object->if_contains(key) : nullptr;
  return member != nullptr && member->is_string() ? std::string_view{member->get_string()}
                                                  : std::string_view();
}

// An integer member, or 0.
std::int64_t IntOf(const json::value& value, std::string_view key) {
  const auto* object = value.if_object();
  const auto* member = object != nullptr ? object->if_contains(key) : nullptr;
  return member != nullptr && member->is_int64() ? member->get_int64() : 0;
}

}  // namespace

std::string FormatDate(std::string_view rfc3339) {
  // "2026-03-07T..." -> "7 Mar 2026"
  if (rfc3339.size() < 10 || rfc3339[4] != '-' || rfc3339[7] != '-') {
    return std::string(rfc3339);
  }
  const auto month = ParseInteger(rfc3339.substr(5, 2), 1, 12);
  const auto day = ParseInteger(rfc3339.substr(8, 2), 1, 31);
  if (!month || !day) {
    return std::string(rfc3339);
  }
  return std::to_string(*day) + " " + std::string(kMonths[static_cast<std::size_t>(*month - 1)]) + " " +
         std::string(rfc3339.substr(0, 4));
}

json::object BookView(const json::value& book, const Session& session, json::storage_ptr storage) {
  const std::int64_t id = IntOf(book, "id");
  const std::string_view title = StringViewMember(book, "title");
  const std::string_view description = StringViewMember(book, "description");
  json::object out(Prototype(), std::move(storage));
  json::key_value_pair* members = out.begin();
  SetStock(IntOf(book, "stock"), members);
  members[kId].value() = id;
  members[kUrl].value() = "/books/" + std::to_string(id);
  members[kTitle].value() = title;
  members[kAuthor].value() = StringViewMember(book, "author");
  members[kDescription].value() = description;
  members[kHasDescription].value() = !description.empty();
  const auto* object = book.if_object();
  const auto* price = object != nullptr ? object->if_contains("price") : nullptr;
  const auto cents = price != nullptr ? CentsFromJson(*price) : std::nullopt;
  members[kPrice].value() = cents ? FormatCents(*cents) : "—";
  members[kPriceInput].value() = cents ? money::ToDecimal(*cents) : "";
  members[kSellerName].value() = StringViewMember(book, "seller_name");
  const std::int64_t seller_id = IntOf(book, "seller_id");
  members[kSellerId].value() = seller_id;
  members[kIsMine].value() = session.LoggedIn() && seller_id == session.user_id;
  members[kListed].value() = FormatDate(StringViewMember(book, "created_at"));
  members[kCover].value() = "cover-" + std::to_string(id % kCoverColours);
  members[kInitial].value() = Initial(title);
  const auto in_cart = QuantityInCart(session.cart, id);
  members[kInCart].value() = in_cart;
  members[kIsInCart].value() = in_cart > 0;
  return out;
}

}  // namespace bookstore::web
