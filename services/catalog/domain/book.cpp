#include "domain/book.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <limits>

#include "bookstore/json/json.h"
#include "bookstore/money/money.h"
#include "bookstore/service/validation_error.h"
#include "bookstore/text/utf8.h"
#include "domain/price.h"
#include "domain/text.h"

namespace bookstore::catalog {
namespace {

namespace json = boost::json;

const json::value* Member(const json::object& body, std::string_view field) {
  const json::value* value = body.if_contains(field);
  if (value == nullptr || value->is_null()) {
    return nullptr;  // null means "not given"
  }
  return value;
}

std::optional<std::string> ReadText(const json::object& body, std::string_view field, std::size_t min_chars,
                                    std::size_t max_chars, bool trim) {
  const json::value* value = Member(body, field);
  if (value == nullptr) {
    return std::nullopt;
  }
  const std::string name(field);
  if (!value->is_string()) {
    throw ValidationError(name, name + " must be a string");
  }
  std::string_view text(value->get_string());
  if (trim) {
    text = text::TrimAsciiWhitespace(text);
  }
  RequireText(field, text, min_chars, max_chars);
  return std::string(text);
}

// A JSON integer (not 12.0, not "12") within [min, max].
std::optional<std::int64_t> ReadWholeNumber(const json::object& body, std::string_view field,
                                            std::int64_t min, std::int64_t max, std::string_view what) {
  const json::value* value = Member(body, field);
  if (value == nullptr) {
    return std::nullopt;
  }
  const std::string name(field);
  const std::string range_message = name + " must be " + std::string(what);
  if (value->is_int64()) {
    const std::int64_t n = value->get_int64();
    if (n < min || n > max) {
      throw ValidationError(name, range_message);
    }
    return n;
  }
  if (value->is_uint64()) {
    throw ValidationError(name, range_message);  // above INT64_MAX
  }
  throw ValidationError(name, name + " must be a whole number");
}

std::optional<std::int64_t> ReadPrice(const json::object& body, std::string_view raw_body) {
  const json::value* value = Member(body, "price");
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_number()) {
    throw ValidationError("price", "price must be a number");
  }
  const auto texts = bookstore::json::TopLevelNumberTexts(raw_body);
  const auto text = texts.find("price");
  if (text == texts.end()) {
    throw ValidationError("price", "price must be a number");
  }
  return ParsePriceCents(text->second);
}

}  // namespace

json::object BookToJson(const Book& book) {
  return json::object{
      {"id", book.id},
      {"title", book.title},
      {"author", book.author},
      {"description", book.description},
      {"price", money::ToJson(book.price_cents)},
      {"stock", book.stock},
      {"seller_id", book.seller_id},
      {"seller_name", book.seller_name},
      {"created_at", book.created_at},
      {"updated_at", book.updated_at},
  };
}

json::object BookEventData(const Book& book) {
  json::object data = BookToJson(book);
  data["version"] = book.version;
  if (book.deleted) {
    data["deleted"] = true;
  }
  return data;
}

BookInput ParseBookInput(std::string_view body) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec) {
    throw ValidationError("", "request body is not valid JSON");
  }
  const json::object* object = parsed.if_object();
  if (object == nullptr) {
    throw ValidationError("", "request body must be a JSON object");
  }

  BookInput input;
  input.title = ReadText(*object, "title", 1, kMaxTitleChars, /*trim=*/true);
  input.author = ReadText(*object, "author", 1, kMaxAuthorChars, /*trim=*/true);
  input.description = ReadText(*object, "description", 0, kMaxDescriptionChars, /*trim=*/false);
  input.price_cents = ReadPrice(*object, body);
  input.stock = ReadWholeNumber(*object, "stock", 0, kMaxStock, "a whole number from 0 to 1000000");
  input.seller_id = ReadWholeNumber(*object, "seller_id", 1, std::numeric_limits<std::int64_t>::max(),
                                    "a positive integer");
  return input;
}

void RequireCompleteBook(const BookInput& input) {
  if (!input.title) {
    throw ValidationError("title", "title is required");
  }
  if (!input.author) {
    throw ValidationError("author", "author is required");
  }
  if (!input.price_cents) {
    throw ValidationError("price", "price is required");
  }
  if (!input.stock) {
    throw ValidationError("stock", "stock is required");
  }
}

BookChange ApplyBookInput(const Book& current, const BookInput& input) {
  BookChange change{current, false, false};
  Book& after = change.after;
  bool other_changed = false;
  auto apply = [&other_changed](auto& field, const auto& value) {
    if (value && field != *value) {
      field = *value;
      other_changed = true;
    }
  };
  apply(after.title, input.title);
  apply(after.author, input.author);
  apply(after.description, input.description);
  apply(after.price_cents, input.price_cents);
  const bool stock_changed = input.stock && *input.stock != current.stock;
  if (stock_changed) {
    after.stock_supplied = current.stock_supplied + (*input.stock - current.stock);
    after.stock = *input.stock;
  }
  change.changed = other_changed || stock_changed;
  change.only_stock = stock_changed && !other_changed;
  return change;
}

std::string_view UpdateEventType(const BookChange& change) {
  return change.only_stock ? "book.stock_changed" : "book.updated";
}

std::string DatabaseTimeToRfc3339(std::string_view datetime) {
  std::string text(datetime);
  if (text.size() > 10 && text[10] == ' ') {
    text[10] = 'T';
  }
  text += 'Z';
  return text;
}

}  // namespace bookstore::catalog
