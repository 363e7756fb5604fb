#include "repository/books_repository.h"

#include "bookstore/money/money.h"

namespace bookstore::orders::repository {

bool UpsertBook(db::Connection& c, const BookSnapshot& book) {
  // Locking the row (or the gap where it would be) first makes the version check and the write one
  // step, also when two consumers handle two events of the same book at once.
  auto current = c.QueryOne("SELECT version FROM books WHERE id = ? FOR UPDATE", {book.id});
  const db::Param price = db::Decimal{money::ToDecimal(book.price_cents)};
  if (!current) {
    c.Execute(
        "INSERT INTO books (id, title, price, stock, seller_id, seller_name, deleted, version, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))",
        {book.id, book.title, price, book.stock, book.seller_id, book.seller_name, book.deleted,
         book.version});
    return true;
  }
  if (current->Int(0) >= book.version) {
    return false;
  }
  c.Execute(
      "UPDATE books SET title = ?, price = ?, stock = ?, seller_id = ?, seller_name = ?, deleted = ?, "
      "version = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
      {book.title, price, book.stock, book.seller_id, book.seller_name, book.deleted, book.version, book.id});
  return true;
}

std::map<std::int64_t, KnownBook> FindBooks(db::Connection& c, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, KnownBook> books;
  if (ids.empty()) {
    return books;
  }
  std::string placeholders;
  db::ParamList params;
  for (std::int64_t id : ids) {
    placeholders += placeholders.empty() ? "?" : ", ?";
    params.Add(id);
  }
  for (const db::Row& row : c.Query(
           "SELECT id, title, seller_id, deleted FROM books WHERE id IN (" + placeholders + ")", params)) {
    books.emplace(row.Int(0), KnownBook{row.Int(0), row.String(1), row.Int(2), row.Bool(3)});
  }
  return books;
}

}  // namespace bookstore::orders::repository
