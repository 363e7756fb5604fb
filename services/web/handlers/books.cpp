// The shop window: GET / (newest books), GET /books (search, author and stock filters, sort, pages) and
// GET /books/{id}. All public; stock on these pages follows book.* events live (live.js).

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>

#include "bookstore/http/error.h"
#include "handlers/routes.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

constexpr std::int64_t kPageSize = 12;
constexpr std::int64_t kHomeBooks = 10;  // two full rows of the widest grid
constexpr std::int64_t kMaxPage = 10'000;

struct SortOption {
  std::string_view value;
  std::string_view label;
};
constexpr std::array<SortOption, 4> kSortOptions = {{{"newest", "Newest first"},
                                                     {"price_asc", "Price: low to high"},
                                                     {"price_desc", "Price: high to low"},
                                                     {"title", "Title: A to Z"}}};

struct CatalogQuery {
  std::string q;
  std::string author;
  bool in_stock = false;
  std::string sort = "newest";
  std::int64_t page = 1;

  // The query of this page's URL, without the page number.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> Params() const {
    std::vector<std::pair<std::string, std::string>> params;
    if (!q.empty()) {
      params.emplace_back("q", q);
    }
    if (!author.empty()) {
      params.emplace_back("author", author);
    }
    if (in_stock) {
      params.emplace_back("in_stock", "1");
    }
    if (sort != "newest") {
      params.emplace_back("sort", sort);
    }
    return params;
  }
  [[nodiscard]] bool Filtered() const { return !q.empty() || !author.empty() || in_stock; }
};

CatalogQuery ReadCatalogQuery(const http::Context& ctx) {
  CatalogQuery query;
  query.q = Trim(ctx.Query("q").value_or(""));
  query.author = Trim(ctx.Query("author").value_or(""));
  const auto in_stock = ctx.Query("in_stock").value_or("");
  query.in_stock = in_stock == "1" || in_stock == "on" || in_stock == "true";
  const auto sort = ctx.Query("sort").value_or("newest");
  for (const auto& option : kSortOptions) {
    if (option.value == sort) {
      query.sort = sort;
    }
  }
  query.page = ParseInteger(ctx.Query("page").value_or("1"), 1, kMaxPage).value_or(1);
  return query;
}

std::string CatalogUrl(const CatalogQuery& query, std::int64_t page) {
  auto params = query.Params();
  if (page > 1) {
    params.emplace_back("page", std::to_string(page));
  }
  const std::string encoded = EncodeQuery(params);
  return encoded.empty() ? "/books" : "/books?" + encoded;
}

json::array BookViews(const json::value& books, const Session& session, const json::storage_ptr& storage) {
  json::array out(storage);
  if (const auto* list = books.if_array()) {
    out.reserve(list->size());
    for (const auto& book : *list) {
      out.push_back(BookView(book, session, storage));
    }
  }
  return out;
}

// Page links: the first, the last, and two either side of the current one, with gaps as "…".
json::array PageLinks(const CatalogQuery& query, std::int64_t pages, const json::storage_ptr& storage) {
  json::array links(storage);
  std::int64_t previous = 0;
  for (std::int64_t page = 1; page <= pages; ++page) {
    if (page != 1 && page != pages && std::abs(page - query.page) > 2) {
      continue;
    }
    if (previous != 0 && page > previous + 1) {
      links.push_back(json::object({{"gap", true}}, storage));
    }
    links.push_back(json::object(
        {{"number", page}, {"url", CatalogUrl(query, page)}, {"current", page == query.page}}, storage));
    previous = page;
  }
  return links;
}

json::object CatalogData(const CatalogQuery& query, const ApiResult& result, const Session& session,
                         const json::storage_ptr& storage) {
  json::object data(storage);
  json::array sort_options(storage);
  for (const auto& option : kSortOptions) {
    sort_options.push_back(json::object(
        {{"value", option.value}, {"label", option.label}, {"selected", option.value == query.sort}},
        storage));
  }
  data["query"] = json::object({{"q", query.q},
                                {"author", query.author},
                                {"in_stock", query.in_stock},
                                {"filtered", query.Filtered()},
                                {"sort", query.sort}},
                               storage);
  data["sort_options"] = std::move(sort_options);
  if (!result.ok()) {
    data["search_error"] = result.ErrorMessage();
    data["books"] = json::array();
    data["has_books"] = false;
    return data;
  }
  json::array books = BookViews(result.body(), session, storage);
  const std::int64_t total =
      result.total_count >= 0 ? result.total_count : static_cast<std::int64_t>(books.size());
  const std::int64_t pages = std::max<std::int64_t>(1, (total + kPageSize - 1) / kPageSize);
  const std::int64_t first = (query.page - 1) * kPageSize + 1;
  data["has_books"] = !books.empty();
  data["total"] = total;
  data["total_is_one"] = total == 1;
  data["showing_from"] = first;
  data["showing_to"] = first + static_cast<std::int64_t>(books.size()) - 1;
  data["beyond_last_page"] = books.empty() && total > 0;
  data["books"] = std::move(books);
  if (pages > 1) {
    json::object pagination(storage);
    pagination["pages"] = PageLinks(query, pages, storage);
    pagination["prev_url"] = query.page > 1 ? json::value(CatalogUrl(query, query.page - 1)) : json::value();
    pagination["next_url"] =
        query.page < pages ? json::value(CatalogUrl(query, query.page + 1)) : json::value();
    data["pagination"] = std::move(pagination);
  }
  return data;
}

std::string CatalogHeading(const CatalogQuery& query) {
  if (!query.q.empty()) {
    return "Results for “" + query.q + "”";
  }
  if (!query.author.empty()) {
    return "Books by " + query.author;
  }
  return "All books";
}

http::Awaitable<http::Response> HomePage(http::Context& ctx, const WebDeps& deps) {
  const ApiCall call = ApiCall::Get("/books?sort=newest&limit=" + std::to_string(kHomeBooks)).AfterLogin("/");
  const auto result = co_await CallApi(ctx, deps, call);
  json::object data(PageStorage(ctx));
  if (result.ok()) {
    data["books"] = BookViews(result.body(), SessionOf(ctx), data.storage());
    data["has_books"] = !data["books"].as_array().empty();
    data["total"] = result.total_count;
  } else {
    data["load_error"] = result.ErrorMessage();
  }
  co_return RenderPage(ctx, deps,
                       {.page = "home", .title = "Second-hand books", .nav = "home", .live = "books"},
                       std::move(data));
}

http::Awaitable<http::Response> CatalogPage(http::Context& ctx, const WebDeps& deps) {
  const CatalogQuery query = ReadCatalogQuery(ctx);
  std::vector<std::pair<std::string, std::string>> api_params;
  if (!query.q.empty()) {
    api_params.emplace_back("q", query.q);
  }
  if (!query.author.empty()) {
    api_params.emplace_back("author", query.author);
  }
  if (query.in_stock) {
    api_params.emplace_back("in_stock", "true");
  }
  api_params.emplace_back("sort", query.sort);
  api_params.emplace_back("limit", std::to_string(kPageSize));
  api_params.emplace_back("offset", std::to_string((query.page - 1) * kPageSize));
  const ApiCall call = ApiCall::Get("/books?" + EncodeQuery(api_params)).AfterLogin(CurrentPath(ctx));
  const auto result = co_await CallApi(ctx, deps, call);
  if (!result.ok() && result.status != 400) {
    throw http::Error(http::Status::bad_gateway, result.ErrorMessage());
  }
  json::object data = CatalogData(query, result, SessionOf(ctx), PageStorage(ctx));
  data["heading"] = CatalogHeading(query);
  co_return RenderPage(ctx, deps,
                       {.page = "catalog",
                        .title = CatalogHeading(query),
                        .nav = "catalog",
                        .live = "books",
                        .status = result.ok() ? http::Status::ok : http::Status::bad_request},
                       std::move(data));
}

http::Awaitable<http::Response> BookPage(http::Context& ctx, const WebDeps& deps) {
  const std::int64_t id = ctx.IdParam("id");
  const SharedJson found = co_await LoadBook(ctx, deps, id);
  json::object book = BookView(*found, SessionOf(ctx));
  std::string title = std::string(book["title"].as_string());
  json::object data{{"book", std::move(book)},
                    {"author_url", "/books?" + EncodeQuery({{"author", StringMember(*found, "author")}})}};
  co_return RenderPage(ctx, deps,
                       {.page = "book", .title = std::move(title), .nav = "catalog", .live = "book"},
                       std::move(data));
}

}  // namespace

void AddBookPages(http::Server& server, const WebDeps& deps) {
  server.Get("/", WithDeps<HomePage>(deps));
  server.Get("/books", WithDeps<CatalogPage>(deps));
  server.Get("/books/{id}", WithDeps<BookPage>(deps));
}

}  // namespace bookstore::web
