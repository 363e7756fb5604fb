#pragma once
// All SQL on books, their word index and sellers (migrations 0001, 0002, 0004). Every function runs on the
// connection it is given, inside the caller's transaction when there is one.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/db/db.h"
#include "domain/book.h"
#include "domain/search.h"

namespace bookstore::catalog::repository {

// A book that is not deleted, with its seller's name (no locks).
std::optional<Book> FindBook(db::Connection& c, std::int64_t id);

// Any book, deleted or not, with its row locked (FOR UPDATE) until the transaction ends. Reads the
// latest committed row whatever the transaction's snapshot. The seller name comes from a plain read.
std::optional<Book> LockBook(db::Connection& c, std::int64_t id);

// Inserts a book with version 1 and stock_supplied = stock, and its words into book_words; returns its id.
std::int64_t InsertBook(db::Connection& c, const Book& book);

// Writes the fields of `after` (title, author, description, price, stock, stock_supplied) and bumps
// version and updated_at, in one UPDATE. When the title or author differ from `before` (the locked row),
// the book's rows of book_words are replaced by the words of the new ones.
void UpdateBook(db::Connection& c, const Book& before, const Book& after);

// Marks the book deleted, bumping version and updated_at, and removes its words from book_words.
void SoftDeleteBook(db::Connection& c, std::int64_t id);

// The books of a batch of the order saga: those of `ids` that exist (deleted or not), locked (FOR UPDATE)
// by one statement in ascending id order, so two batches sharing books take them in the same order and
// cannot deadlock; with the sellers' names (a plain read) and the database's clock (UTC_TIMESTAMP(3)) as
// of the lock, for the changes that follow.
struct LockedBooks {
  std::map<std::int64_t, Book> books;
  std::string now;  // as the database prints a DATETIME(3); empty when no book was found
};
LockedBooks LockBooks(db::Connection& c, const std::vector<std::int64_t>& ids);

// Stock moved by the saga, one statement for every book of a batch: stock becomes the figure the caller
// computed under the row locks (the table's CHECK refuses a negative one), version grows by one and
// updated_at becomes `now`; stock_supplied does not change.
struct StockWrite {
  std::int64_t book_id = 0;
  std::int64_t stock = 0;
};
void WriteStock(db::Connection& c, const std::vector<StockWrite>& writes, const std::string& now);

struct SearchResult {
  std::vector<Book> books;  // one page
  std::int64_t total = 0;   // every match, for X-Total-Count
};
// GET /books (domain/search.h has the semantics). q alone in the default order is answered from the
// word index (the count and the page's ids without reading books); filters and other orders read the
// matching books.
SearchResult SearchBooks(db::Connection& c, const SearchQuery& query);

// Seller names (the read model fed by user.registered). From a token: inserted when unknown, and
// overwriting only a name that also came from a token. From the event: always wins.
void UpsertSellerFromToken(db::Connection& c, std::int64_t user_id, std::string_view name);
void UpsertSellerFromEvent(db::Connection& c, std::int64_t user_id, std::string_view name);
std::optional<std::string> FindSellerName(db::Connection& c, std::int64_t user_id);

}  // namespace bookstore::catalog::repository
