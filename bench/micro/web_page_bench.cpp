// A catalog page of web (12 books, the layout, the filters and the pages' links), rendered as web renders
// it and as it did before issue 17: kainjow Mustache, parsing every template and partial at every
// inclusion, from a copy of the data in its own tree. Also the book views alone. The data are the
// bench's own books (bench/suite/dataset.py) as the gateway serves them.

#include <benchmark/benchmark.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <kainjow/mustache.hpp>
#include <map>
#include <string>

#include "session/session.h"
#include "tests/kainjow_data.h"
#include "views/assets.h"
#include "views/book_view.h"
#include "views/embedded.h"
#include "views/renderer.h"

namespace {

namespace json = boost::json;
namespace kj = kainjow::mustache;
using bookstore::web::BookView;
using bookstore::web::Session;
using bookstore::web::ToKainjowData;

constexpr int kBooks = 12;

json::value ApiBooks() {
  json::array books;
  for (int i = 0; i < kBooks; ++i) {
    books.push_back(json::parse(R"({"id":)" + std::to_string(4242 + i) +
                                R"(,"title":"A ilha da bruma","author":
        "Émile Valle-Inclán","description":"Capa com marcas de uso. Dedicatória na folha de rosto.","price":8.09,
        "stock":)" + std::to_string(i) +
                                R"(,"seller_id":2,"seller_name":"Bouquinerie Hélène",
        "created_at":"2024-01-21T22:47:09.496Z","updated_at":"2024-01-21T22:47:09.496Z"})"));
  }
  return books;
}

Session Visitor() {
  Session session;
  session.csrf = "0123456789abcdef0123456789abcdef0123456789a";
  return session;
}

json::array Views(const json::value& books, const Session& session, const json::storage_ptr& storage) {
  json::array out(storage);
  for (const auto& book : books.as_array()) out.push_back(BookView(book, session, storage));
  return out;
}

// What the catalog page handler puts around the books (handlers/books.cpp, handlers/common.cpp).
json::object PageData(const json::value& books, const json::storage_ptr& storage) {
  const Session session = Visitor();
  static const bookstore::web::AssetCatalog assets;
  json::object data(storage);
  data["books"] = Views(books, session, storage);
  data["has_books"] = true;
  data["total"] = 3104;
  data["showing_from"] = 1;
  data["showing_to"] = kBooks;
  data["heading"] = "Results for “the”";
  data["query"] = json::object{{"q", "the"}, {"author", ""}, {"in_stock", false}, {"filtered", true}};
  json::array sort_options;
  for (const auto* option : {"newest", "price_asc", "price_desc", "title"}) {
    sort_options.push_back(json::object{{"value", option}, {"label", option}, {"selected", false}});
  }
  data["sort_options"] = std::move(sort_options);
  json::array pages;
  for (int page : {1, 2, 3, 259}) {
    pages.push_back(json::object{
        {"number", page}, {"url", "/books?q=the&page=" + std::to_string(page)}, {"current", page == 1}});
  }
  data["pagination"] = json::object{{"pages", std::move(pages)}, {"next_url", "/books?q=the&page=2"}};
  data["page_title"] = "Results for “the”";
  data["assets"] = assets.TemplateUrls();
  data["csrf"] = session.csrf;
  data["logged_in"] = false;
  data["cart_count"] = 0;
  data["cart_has_items"] = false;
  data["nav_catalog"] = true;
  data["live"] = "books";
  data["return_to"] = "/books?q=the";
  return data;
}

void BM_BookViews(benchmark::State& state) {
  const json::value books = ApiBooks();
  const Session session = Visitor();
  for (auto _ : state) {
    json::monotonic_resource page(32 * 1024);  // as handlers/common.h PageStorage
    benchmark::DoNotOptimize(Views(books, session, json::storage_ptr(&page)));
  }
  state.SetItemsProcessed(state.iterations() * kBooks);
}
BENCHMARK(BM_BookViews);

// The page as web makes it now: the views, then the compiled templates.
void BM_CatalogPage(benchmark::State& state) {
  const bookstore::web::Renderer renderer;
  const json::value books = ApiBooks();
  std::size_t bytes = 0;
  for (auto _ : state) {
    json::monotonic_resource page(32 * 1024);
    const std::string html = renderer.RenderPage("catalog", PageData(books, json::storage_ptr(&page)));
    bytes = html.size();
    benchmark::DoNotOptimize(html.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_CatalogPage);

// ---------------------------------------------------------------------------- before: kainjow

void BM_CatalogPageKainjow(benchmark::State& state) {
  std::map<std::string, std::string> texts;
  for (const auto& file : bookstore::web::EmbeddedTemplates()) {
    std::string name(file.path);
    texts[name.substr(0, name.size() - std::string_view(".mustache").size())] = std::string(file.content);
  }
  const json::value books = ApiBooks();
  std::size_t bytes = 0;
  for (auto _ : state) {
    // As the old Renderer::RenderPage: data converted, every partial set, the layout parsed and rendered.
    kj::data context = ToKainjowData(PageData(books, {}));
    for (const auto& [path, text] : texts) {
      if (path.starts_with("partials/")) {
        const std::string* body = &text;
        context.set(path.substr(9), kj::data(kj::partial([body] { return *body; })));
      }
    }
    const std::string* page = &texts.at("pages/catalog");
    context.set("page", kj::data(kj::partial([page] { return *page; })));
    kj::mustache view(texts.at("layout"));
    const std::string html = view.render(context);
    bytes = html.size();
    benchmark::DoNotOptimize(html.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_CatalogPageKainjow);

}  // namespace
