// The catalog's hot path besides the database: one book to JSON text (GET /books/{id}) and a page of
// 100 (GET /books?limit=100), as handlers/books.cpp does it (BookToJson, then http::JsonResponse's
// json::Serialize, which prints prices exactly).

#include <benchmark/benchmark.h>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "bookstore/json/json.h"
#include "domain/book.h"

namespace bookstore::catalog {
namespace {

Book SampleBook(std::int64_t id) {
  Book book;
  book.id = id;
  book.title = "Crónica de São Paulo, 1982";
  book.author = "Hélène García Márquez";
  book.description = "Sublinhados a lápis. Capa com marcas de uso.";
  book.price_cents = 1009 + id % 100;
  book.stock = 3;
  book.stock_supplied = 3;
  book.seller_id = 7;
  book.seller_name = "Livraria Évora";
  book.created_at = "2024-03-12T10:41:07.318Z";
  book.updated_at = "2024-03-12T10:41:07.318Z";
  book.version = 1;
  return book;
}

void BookToJsonText(benchmark::State& state) {
  const Book book = SampleBook(4242);
  for (auto _ : state) {
    benchmark::DoNotOptimize(json::Serialize(BookToJson(book)));
  }
}
BENCHMARK(BookToJsonText);

std::vector<Book> SamplePage() {
  std::vector<Book> books;
  books.reserve(100);
  for (int i = 0; i < 100; ++i) {
    books.push_back(SampleBook(1000 + i));
  }
  return books;
}

boost::json::array PageToJson(const std::vector<Book>& books) {
  boost::json::array page;
  page.reserve(books.size());
  for (const Book& book : books) {
    page.push_back(BookToJson(book));
  }
  return page;
}

void PageOf100ToJsonText(benchmark::State& state) {
  const std::vector<Book> books = SamplePage();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = json::Serialize(PageToJson(books));
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(PageOf100ToJsonText);

// The same page through boost::json::serialize in one pass: not usable as is (it prints the prices in
// exponent form, "1.009E1"), but the floor json::Serialize could get near by streaming instead of building
// a std::string per key and per string.
void PageOf100BoostSerialize(benchmark::State& state) {
  const std::vector<Book> books = SamplePage();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = boost::json::serialize(PageToJson(books));
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(PageOf100BoostSerialize);

// Building the JSON values alone (BookToJson for 100 books), without any text.
void PageOf100BuildValues(benchmark::State& state) {
  const std::vector<Book> books = SamplePage();
  for (auto _ : state) {
    benchmark::DoNotOptimize(PageToJson(books));
  }
}
BENCHMARK(PageOf100BuildValues);

}  // namespace
}  // namespace bookstore::catalog
