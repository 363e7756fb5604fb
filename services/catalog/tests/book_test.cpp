#include "domain/book.h"

#include <gtest/gtest.h>

#include <string>

#include "bookstore/json/json.h"
#include "bookstore/service/validation_error.h"

namespace bookstore::catalog {
namespace {

// The field named by the ValidationError that ParseBookInput throws for `body`, or "accepted".
std::string RefusedField(const std::string& body) {
  try {
    ParseBookInput(body);
  } catch (const ValidationError& e) {
    return e.Field().empty() ? "(body)" : e.Field();
  }
  return "accepted";
}

TEST(ParseBookInput, ReadsEveryField) {
  const BookInput input = ParseBookInput(
      R"({"title":"  Madame Bovary ","author":"Gustave Flaubert","description":" A novel. ","price":12.5,)"
      R"("stock":3,"seller_id":7,"unknown":{"x":1}})");
  EXPECT_EQ(input.title, "Madame Bovary");
  EXPECT_EQ(input.author, "Gustave Flaubert");
  EXPECT_EQ(input.description, " A novel. ");
  EXPECT_EQ(input.price_cents, 1250);
  EXPECT_EQ(input.stock, 3);
  EXPECT_EQ(input.seller_id, 7);
}

TEST(ParseBookInput, AbsentAndNullFieldsAreNotGiven) {
  const BookInput input = ParseBookInput(R"({"title":null,"stock":0})");
  EXPECT_FALSE(input.title);
  EXPECT_FALSE(input.author);
  EXPECT_FALSE(input.price_cents);
  EXPECT_EQ(input.stock, 0);
}

std::string Repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

struct Case {
  std::string body;
  std::string field;  // "accepted" when valid
};

class ValidationTable : public ::testing::TestWithParam<Case> {};

TEST_P(ValidationTable, NamesTheFieldAtFault) { EXPECT_EQ(RefusedField(GetParam().body), GetParam().field); }

INSTANTIATE_TEST_SUITE_P(
    Book, ValidationTable,
    ::testing::Values(Case{"not json", "(body)"}, Case{"[1,2]", "(body)"}, Case{R"("title")", "(body)"},
                      Case{R"({"title":""})", "title"}, Case{R"({"title":"   "})", "title"},
                      Case{R"({"title":5})", "title"},
                      Case{R"({"title":")" + std::string(200, 'x') + R"("})", "accepted"},
                      Case{R"({"title":")" + std::string(201, 'x') + R"("})", "title"},
                      // 200 characters of two bytes each are still 200 characters
                      Case{R"({"title":")" + Repeat("\xC3\xA9", 200) + R"("})", "accepted"},
                      Case{R"({"title":"a\u0000b"})", "title"},
                      // a lone surrogate escape is not valid JSON for Boost.JSON: a 400 about the body
                      Case{R"({"title":"\ud800"})", "(body)"}, Case{R"({"author":""})", "author"},
                      Case{R"({"author":")" + std::string(120, 'a') + R"("})", "accepted"},
                      Case{R"({"author":")" + std::string(121, 'a') + R"("})", "author"},
                      Case{R"({"author":[]})", "author"}, Case{R"({"description":""})", "accepted"},
                      Case{R"({"description":")" + std::string(5000, 'd') + R"("})", "accepted"},
                      Case{R"({"description":")" + std::string(5001, 'd') + R"("})", "description"},
                      Case{R"({"description":"x\u0000"})", "description"}, Case{R"({"price":0})", "price"},
                      Case{R"({"price":-1})", "price"}, Case{R"({"price":1.234})", "price"},
                      Case{R"({"price":"12.50"})", "price"}, Case{R"({"price":1000000.01})", "price"},
                      Case{R"({"price":1000000})", "accepted"}, Case{R"({"price":0.01})", "accepted"},
                      Case{R"({"price":true})", "price"}, Case{R"({"stock":-1})", "stock"},
                      Case{R"({"stock":1000001})", "stock"}, Case{R"({"stock":1000000})", "accepted"},
                      Case{R"({"stock":1.5})", "stock"}, Case{R"({"stock":2.0})", "stock"},
                      Case{R"({"stock":"3"})", "stock"}, Case{R"({"stock":18446744073709551615})", "stock"},
                      Case{R"({"seller_id":0})", "seller_id"}, Case{R"({"seller_id":"7"})", "seller_id"},
                      Case{R"({"whatever":1})", "accepted"}));

TEST(ParseBookInput, InvalidUtf8IsNotValidJson) {
  EXPECT_EQ(RefusedField("{\"title\":\"caf\xE9\"}"), "(body)");
}

TEST(RequireCompleteBook, NamesTheFirstMissingField) {
  auto missing = [](const std::string& body) {
    try {
      RequireCompleteBook(ParseBookInput(body));
    } catch (const ValidationError& e) {
      return e.Field();
    }
    return std::string("complete");
  };
  EXPECT_EQ(missing(R"({"author":"A","price":1,"stock":1})"), "title");
  EXPECT_EQ(missing(R"({"title":"T","price":1,"stock":1})"), "author");
  EXPECT_EQ(missing(R"({"title":"T","author":"A","stock":1})"), "price");
  EXPECT_EQ(missing(R"({"title":"T","author":"A","price":1})"), "stock");
  EXPECT_EQ(missing(R"({"title":"T","author":"A","price":1,"stock":0})"), "complete");
}

Book SampleBook() {
  Book book;
  book.id = 4;
  book.title = "Germinal";
  book.author = "Émile Zola";
  book.description = "Mines.";
  book.price_cents = 1500;
  book.stock = 5;
  book.stock_supplied = 8;  // 3 copies reserved
  book.seller_id = 9;
  book.version = 6;
  return book;
}

TEST(ApplyBookInput, NothingGivenChangesNothing) {
  const BookChange change = ApplyBookInput(SampleBook(), BookInput{});
  EXPECT_FALSE(change.changed);
}

TEST(ApplyBookInput, SameValuesChangeNothing) {
  const BookChange change =
      ApplyBookInput(SampleBook(), ParseBookInput(R"({"title":"Germinal","price":15,"stock":5})"));
  EXPECT_FALSE(change.changed);
}

TEST(ApplyBookInput, StockAloneIsAStockChangeThatKeepsReservedCopies) {
  const BookChange change = ApplyBookInput(SampleBook(), ParseBookInput(R"({"stock":2})"));
  EXPECT_TRUE(change.changed);
  EXPECT_TRUE(change.only_stock);
  EXPECT_EQ(change.after.stock, 2);
  EXPECT_EQ(change.after.stock_supplied, 5);  // still 3 held by reservations
  EXPECT_EQ(UpdateEventType(change), "book.stock_changed");
}

TEST(ApplyBookInput, OtherFieldsMakeAnUpdate) {
  const BookChange change = ApplyBookInput(SampleBook(), ParseBookInput(R"({"price":14.99,"stock":7})"));
  EXPECT_TRUE(change.changed);
  EXPECT_FALSE(change.only_stock);
  EXPECT_EQ(change.after.price_cents, 1499);
  EXPECT_EQ(change.after.stock, 7);
  EXPECT_EQ(change.after.stock_supplied, 10);
  EXPECT_EQ(change.after.version, 6);  // the database bumps it
  EXPECT_EQ(UpdateEventType(change), "book.updated");
}

TEST(BookToJson, HasTheContractFieldsAndAnExactPrice) {
  Book book = SampleBook();
  book.price_cents = 1999;
  book.seller_name = "Ana";
  book.created_at = "2024-01-31T12:00:00.000Z";
  book.updated_at = "2024-01-31T12:00:01.000Z";
  EXPECT_EQ(
      json::Serialize(BookToJson(book)),
      R"({"id":4,"title":"Germinal","author":"Émile Zola","description":"Mines.","price":19.99,"stock":5,)"
      R"("seller_id":9,"seller_name":"Ana","created_at":"2024-01-31T12:00:00.000Z",)"
      R"("updated_at":"2024-01-31T12:00:01.000Z"})");
}

TEST(BookEventData, AddsVersionAndDeleted) {
  Book book = SampleBook();
  EXPECT_EQ(BookEventData(book).at("version").as_int64(), 6);
  EXPECT_FALSE(BookEventData(book).contains("deleted"));
  book.deleted = true;
  EXPECT_TRUE(BookEventData(book).at("deleted").as_bool());
}

TEST(DatabaseTimeToRfc3339, AddsTAndZ) {
  EXPECT_EQ(DatabaseTimeToRfc3339("2024-01-31 12:00:00.123"), "2024-01-31T12:00:00.123Z");
}

}  // namespace
}  // namespace bookstore::catalog
