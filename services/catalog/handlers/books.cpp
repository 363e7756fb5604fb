#include "handlers/books.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <limits>

#include "bookstore/http/cache_control.h"
#include "bookstore/http/error.h"
#include "bookstore/http/trace_context.h"
#include "domain/book.h"
#include "domain/search.h"
#include "events/book_events.h"
#include "repository/books_repository.h"

namespace bookstore::catalog::handlers {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxSearchWords = 10;

}  // namespace

SearchQuery ReadSearchQuery(const http::Context& ctx) {
  SearchQuery query;
  if (auto q = ReadSearchText("q", ctx.Query("q"))) {
    query.words = SplitWords(*q);
    if (query.words->size() > kMaxSearchWords) {
      throw http::BadRequest("q must have at most " + std::to_string(kMaxSearchWords) + " words", "q");
    }
  }
  query.author = ReadSearchText("author", ctx.Query("author"));
  const auto ids = ctx.Query("ids");
  query.ids = ReadIdList(ids ? std::optional<std::string_view>(*ids) : std::nullopt);
  const std::int64_t seller_id = ctx.QueryInt("seller_id", 0, 1, std::numeric_limits<std::int64_t>::max());
  if (seller_id > 0) {
    query.seller_id = seller_id;
  }
  query.in_stock = ctx.QueryBool("in_stock", false);
  const auto sort = ctx.Query("sort");
  query.sort = ParseSortOrder(sort ? std::optional<std::string_view>(*sort) : std::nullopt);
  query.limit = ctx.QueryInt("limit", kDefaultLimit, 1, kMaxLimit);
  query.offset = ctx.QueryInt("offset", 0, 0, kMaxOffset);
  return query;
}

namespace {

class BookRoutes {
 public:
  explicit BookRoutes(BookRoutesDeps deps)
      : deps_(deps),
        public_cache_control_("public, max-age=0, s-maxage=" +
                              std::to_string(deps.shared_cache_max_age.count())) {}

  http::Awaitable<http::Response> Search(http::Context& ctx) {
    const SearchQuery query = ReadSearchQuery(ctx);
    const auto result =
        co_await deps_.pool.Run([&](db::Connection& c) { return repository::SearchBooks(c, query); });
    json::array books;
    books.reserve(result.books.size());
    for (const Book& book : result.books) {
      books.push_back(BookToJson(book));
    }
    http::Response response = http::JsonResponse(books);
    response.set("X-Total-Count", std::to_string(result.total));
    co_return PublicRead(std::move(response));
  }

  http::Awaitable<http::Response> Get(http::Context& ctx) {
    const std::int64_t id = ctx.IdParam("id");
    if (!AsksForTheCurrentState(ctx)) {
      if (const auto kept = deps_.answers.Find(id)) {
        co_return kept->response;
      }
    }
    // Before the read: a change committed from here on keeps this answer out of memory.
    const BookAnswers::Stamp stamp = deps_.answers.StampOf(id);
    const auto book = co_await deps_.pool.Run([&](db::Connection& c) { return repository::FindBook(c, id); });
    if (!book) {
      throw http::NotFound("book not found");
    }
    http::Response response = PublicRead(http::JsonResponse(BookToJson(*book)));
    deps_.answers.Put(id, stamp, response);
    co_return response;
  }

  http::Awaitable<http::Response> Create(http::Context& ctx) {
    const authn::Identity caller = co_await deps_.authenticator.RequireUser(ctx);
    const BookInput input = ParseBookInput(ctx.request().body());
    RequireCompleteBook(input);
    if (input.seller_id && *input.seller_id != caller.user_id) {
      throw http::Forbidden("seller_id must be your own user id");
    }
    Book book;
    book.title = *input.title;
    book.author = *input.author;
    book.description = input.description.value_or("");
    book.price_cents = *input.price_cents;
    book.stock = *input.stock;
    book.seller_id = caller.user_id;
    const std::string traceparent = http::TraceparentOf(ctx);
    const Book created = co_await deps_.pool.Transact([&](db::Connection& c) {
      // The name in the token stands in until the seller's user.registered arrives.
      repository::UpsertSellerFromToken(c, caller.user_id, caller.name);
      const std::int64_t id = repository::InsertBook(c, book);
      Book stored = *repository::LockBook(c, id);
      events::AddBookEvent(c, "book.created", stored, traceparent);
      return stored;
    });
    http::Response response = http::JsonResponse(BookToJson(created), http::Status::created);
    response.set(http::Field::location, "/books/" + std::to_string(created.id));
    co_return response;
  }

  http::Awaitable<http::Response> Update(http::Context& ctx) {
    const std::int64_t id = ctx.IdParam("id");
    const authn::Identity caller = co_await deps_.authenticator.RequireUser(ctx);
    const BookInput input = ParseBookInput(ctx.request().body());
    const std::string traceparent = http::TraceparentOf(ctx);
    const Book updated = co_await deps_.pool.Transact([&](db::Connection& c) {
      Book current = LockOwnedBook(c, id, caller);
      if (input.seller_id && *input.seller_id != current.seller_id) {
        throw http::Forbidden("seller_id cannot be changed");
      }
      const BookChange change = ApplyBookInput(current, input);
      if (!change.changed) {
        return current;  // nothing to write, no version, no event
      }
      repository::UpdateBook(c, current, change.after);
      Book stored = *repository::LockBook(c, id);
      events::AddBookEvent(c, UpdateEventType(change), stored, traceparent);
      return stored;
    });
    deps_.answers.Invalidate(id);  // committed: the writer reads its write here at once
    co_return http::JsonResponse(BookToJson(updated));
  }

  http::Awaitable<http::Response> Delete(http::Context& ctx) {
    const std::int64_t id = ctx.IdParam("id");
    const authn::Identity caller = co_await deps_.authenticator.RequireUser(ctx);
    const std::string traceparent = http::TraceparentOf(ctx);
    co_await deps_.pool.Transact([&](db::Connection& c) {
      LockOwnedBook(c, id, caller);
      repository::SoftDeleteBook(c, id);
      events::AddBookEvent(c, "book.deleted", *repository::LockBook(c, id), traceparent);
    });
    deps_.answers.Invalidate(id);
    co_return http::JsonResponse(json::object{{"message", "book deleted"}});
  }

 private:
  // Marks a 200 answer that is the same for every caller (neither GET depends on who asks: deleted books
  // are hidden from everyone): browsers revalidate, shared caches such as the gateway may keep it for
  // CATALOG_SHARED_CACHE_SECONDS. Every other answer carries no Cache-Control (not cacheable).
  [[nodiscard]] http::Response PublicRead(http::Response response) const {
    response.set(http::Field::cache_control, public_cache_control_);
    return response;
  }

  // `Cache-Control: no-cache` (or max-age=0): the gateway sends it for a book it has just seen change,
  // whose event may not have reached this replica yet; a reload does too. Read from the database.
  static bool AsksForTheCurrentState(const http::Context& ctx) {
    return http::ReadCacheControl(ctx.request()).WantsCurrentState();
  }

  // The book, locked, if it exists, is not deleted, and the caller owns it or is an admin.
  static Book LockOwnedBook(db::Connection& c, std::int64_t id, const authn::Identity& caller) {
    auto book = repository::LockBook(c, id);
    if (!book || book->deleted) {
      throw http::NotFound("book not found");
    }
    if (!caller.IsSelfOrAdmin(book->seller_id)) {
      throw http::Forbidden("only the seller or an admin may change this book");
    }
    return std::move(*book);
  }

  BookRoutesDeps deps_;
  std::string public_cache_control_;
};

}  // namespace

void AddBookRoutes(http::Server& server, BookRoutesDeps deps) {
  auto routes = std::make_shared<BookRoutes>(deps);
  server.Get("/books", [routes](http::Context& ctx) { return routes->Search(ctx); });
  server.Get("/books/{id}", [routes](http::Context& ctx) { return routes->Get(ctx); });
  server.Post("/books", [routes](http::Context& ctx) { return routes->Create(ctx); });
  server.Put("/books/{id}", [routes](http::Context& ctx) { return routes->Update(ctx); });
  server.Delete("/books/{id}", [routes](http::Context& ctx) { return routes->Delete(ctx); });
}

}  // namespace bookstore::catalog::handlers
