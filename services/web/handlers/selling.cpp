// Selling: GET|POST /sell, GET /my/books, GET|POST /my/books/{id}/edit, POST /my/books/{id}/delete.
// The catalog decides what a valid book is; its problems come back next to the field they name.

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "bookstore/http/error.h"
#include "handlers/routes.h"
#include "views/money.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMaxStock = 1'000'000;
// The form's fields, which the catalog's problems may name.
const std::vector<std::string_view>& BookFields() {
  static const std::vector<std::string_view> kFields = {"title", "author", "description", "price", "stock"};
  return kFields;
}

struct BookForm {
  json::object values;  // as typed, for showing the form again
  std::string body;     // the JSON for the API (when valid)
};

// Reads and checks the form; the price goes to the API as the exact decimal typed (never a double).
BookForm ReadBookForm(const Form& form, FieldErrors& errors) {
  BookForm out;
  const std::string title = form.Text("title");
  const std::string author = form.Text("author");
  const std::string description = form.Text("description");
  const std::string price = form.Text("price");
  const std::string stock = form.Text("stock");
  out.values = json::object{
      {"title", title}, {"author", author}, {"description", description}, {"price", price}, {"stock", stock}};
  if (title.empty()) {
    errors.Add("title", "Enter the book's title.");
  }
  if (author.empty()) {
    errors.Add("author", "Enter the author's name.");
  }
  const auto price_text = NormalizePriceInput(price);
  if (!price_text || *price_text == "0.00") {
    errors.Add("price", "Enter a price such as 12.50.");
  }
  const auto copies = ParseInteger(stock, 0, kMaxStock);
  if (!copies) {
    errors.Add("stock", "Enter how many copies you have, from 0 to 1,000,000.");
  }
  if (!errors.empty()) {
    return out;
  }
  json::object body{{"title", title}, {"author", author}, {"description", description}, {"stock", *copies}};
  out.body = json::serialize(body);
  out.body.insert(1, "\"price\":" + *price_text + ",");
  return out;
}

http::Response BookFormPage(http::Context& ctx, const WebDeps& deps, const json::object& values,
                            const FieldErrors& errors, http::Status status, std::int64_t book_id) {
  json::object data{{"values", values}};
  const bool editing = book_id > 0;
  data["editing"] = editing;
  data["action"] = editing ? "/my/books/" + std::to_string(book_id) + "/edit" : "/sell";
  data["book_id"] = book_id;
  errors.Into(data);
  return RenderPage(ctx, deps,
                    {.page = "sell",
                     .title = editing ? "Edit your book" : "Sell a book",
                     .nav = editing ? "mybooks" : "sell",
                     .status = status},
                    std::move(data));
}

// The book, when the session may change it (its seller, or an admin); throws an error page otherwise.
http::Awaitable<json::value> LoadOwnBook(http::Context& ctx, const WebDeps& deps, std::int64_t id) {
  const SharedJson book = co_await LoadBook(ctx, deps, id);
  const Session& session = SessionOf(ctx);
  if (IntMember(*book, "seller_id") != session.user_id && !session.IsAdmin()) {
    throw http::Forbidden("Only the seller of this book can change it.");
  }
  co_return *book;
}

http::Awaitable<http::Response> SellForm(http::Context& ctx, const WebDeps& deps) {
  RequireLogin(ctx, "/sell");
  co_return BookFormPage(ctx, deps, json::object{{"stock", "1"}}, FieldErrors(), http::Status::ok, 0);
}

http::Awaitable<http::Response> SellBook(http::Context& ctx, const WebDeps& deps) {
  RequireLogin(ctx, "/sell");
  FieldErrors errors;
  const BookForm book = ReadBookForm(PostedForm(ctx), errors);
  if (!errors.empty()) {
    co_return BookFormPage(ctx, deps, book.values, errors, http::Status::unprocessable_entity, 0);
  }
  const ApiCall call = ApiCall::Post("/books", book.body).AfterLogin("/sell");
  const auto result = co_await CallApi(ctx, deps, call);
  if (!result.ok()) {
    errors.AddApiError(result, BookFields());
    co_return BookFormPage(ctx, deps, book.values, errors, FormStatus(result.status), 0);
  }
  SetFlash(ctx, FlashKind::kSuccess, "“" + StringMember(result.body(), "title") + "” is now for sale.");
  co_return Redirect("/books/" + std::to_string(IntMember(result.body(), "id")));
}

http::Awaitable<http::Response> MyBooksPage(http::Context& ctx, const WebDeps& deps) {
  RequireLogin(ctx, "/my/books");
  const Session& session = SessionOf(ctx);
  const ApiCall call =
      ApiCall::Get("/books?sort=newest&limit=100&seller_id=" + std::to_string(session.user_id))
          .AfterLogin("/my/books");
  const auto result = co_await CallApi(ctx, deps, call);
  if (!result.ok()) {
    throw http::Error(http::Status::bad_gateway, result.ErrorMessage());
  }
  json::array books;
  if (const auto* list = result.body().if_array()) {
    for (const auto& book : *list) {
      books.push_back(BookView(book, session));
    }
  }
  json::object data{
      {"has_books", !books.empty()}, {"books", std::move(books)}, {"total", result.total_count}};
  co_return RenderPage(ctx, deps,
                       {.page = "my_books", .title = "My books", .nav = "mybooks", .live = "books"},
                       std::move(data));
}

http::Awaitable<http::Response> EditBookForm(http::Context& ctx, const WebDeps& deps) {
  const std::int64_t id = ctx.IdParam("id");
  RequireLogin(ctx, CurrentPath(ctx));
  const json::value book = co_await LoadOwnBook(ctx, deps, id);
  const json::object view = BookView(book, SessionOf(ctx));
  const json::object values{{"title", view.at("title")},
                            {"author", view.at("author")},
                            {"description", view.at("description")},
                            {"price", view.at("price_input")},
                            {"stock", std::to_string(IntMember(book, "stock"))}};
  co_return BookFormPage(ctx, deps, values, FieldErrors(), http::Status::ok, id);
}

http::Awaitable<http::Response> UpdateBook(http::Context& ctx, const WebDeps& deps) {
  const std::int64_t id = ctx.IdParam("id");
  const std::string path = "/my/books/" + std::to_string(id) + "/edit";
  RequireLogin(ctx, path);
  FieldErrors errors;
  const BookForm book = ReadBookForm(PostedForm(ctx), errors);
  if (!errors.empty()) {
    co_return BookFormPage(ctx, deps, book.values, errors, http::Status::unprocessable_entity, id);
  }
  const ApiCall call = ApiCall::Put("/books/" + std::to_string(id), book.body).AfterLogin(path);
  const auto result = co_await CallApi(ctx, deps, call);
  if (result.status == 404) {
    throw http::NotFound("This book is not for sale (any more).");
  }
  if (!result.ok()) {
    errors.AddApiError(result, BookFields());
    co_return BookFormPage(ctx, deps, book.values, errors, FormStatus(result.status), id);
  }
  SetFlash(ctx, FlashKind::kSuccess,
           "Your changes to “" + StringMember(result.body(), "title") + "” are saved.");
  co_return Redirect("/my/books");
}

http::Awaitable<http::Response> DeleteBook(http::Context& ctx, const WebDeps& deps) {
  const std::int64_t id = ctx.IdParam("id");
  RequireLogin(ctx, "/my/books");
  const ApiCall call = ApiCall::Delete("/books/" + std::to_string(id)).AfterLogin("/my/books");
  const auto result = co_await CallApi(ctx, deps, call);
  if (result.ok()) {
    SetFlash(ctx, FlashKind::kSuccess, "The book was taken off sale.");
  } else {
    SetFlash(ctx, FlashKind::kError, result.ErrorMessage());
  }
  co_return Redirect("/my/books");
}

}  // namespace

void AddSellingPages(http::Server& server, const WebDeps& deps) {
  server.Get("/sell", WithDeps<SellForm>(deps));
  server.Post("/sell", WithDeps<SellBook>(deps));
  server.Get("/my/books", WithDeps<MyBooksPage>(deps));
  server.Get("/my/books/{id}/edit", WithDeps<EditBookForm>(deps));
  server.Post("/my/books/{id}/edit", WithDeps<UpdateBook>(deps));
  server.Post("/my/books/{id}/delete", WithDeps<DeleteBook>(deps));
}

}  // namespace bookstore::web
