#include "repository/books_repository.h"

#include "bookstore/money/money.h"

namespace bookstore::orders::repository {

void UpsertBook(db::Connection& c, const BookSnapshot& book) {
  // One statement: the row is locked while the version is compared and written, also when two consumers
  // handle two events of the same book at once. Assignments run left to right and see the columns
  // already assigned, so `version` comes last and every other one compares with the old version.
  c.Execute(
      "INSERT INTO books (id, title, price, seller_id, seller_name, deleted, version, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE "
      "title = IF(VALUES(version) > version, VALUES(title), title), "
      "price = IF(VALUES(version) > version, VALUES(price), price), "
      "seller_id = IF(VALUES(version) > version, VALUES(seller_id), seller_id), "
      "seller_name = IF(VALUES(version) > version, VALUES(seller_name), seller_name), "
      "deleted = IF(VALUES(version) > version, VALUES(deleted), deleted), "
      "updated_at = IF(VALUES(version) > version, VALUES(updated_at), updated_at), "
      "version = GREATEST(version, VALUES(version))",
      {book.id, book.title, db::Decimal{money::ToDecimal(book.price_cents)}, book.seller_id, book.seller_name,
       book.deleted, book.version});
}

std::map<std::int64_t, KnownBook> FindBooks(db::Connection& c, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, KnownBook> books;
  if (ids.empty()) {
    return books;
  }
  for (const db::Row& row : c.Query("SELECT id, title, seller_id, deleted FROM books WHERE id IN (" +
                                        db::Placeholders(ids.size()) + ")",
                                    db::ParamsOf(ids))) {
    books.emplace(row.Int(0), KnownBook{row.Int(0), row.String(1), row.Int(2), row.Bool(3)});
  }
  return books;
}

}  // namespace bookstore::orders::repository
