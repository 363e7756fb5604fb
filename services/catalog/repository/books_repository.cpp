#include "repository/books_repository.h"

#include <stdexcept>

#include "bookstore/money/money.h"

namespace bookstore::catalog::repository {
namespace {

// Columns 0-11 of every book query; the seller's name is column 12 where it is joined.
constexpr std::string_view kBookColumns =
    "b.id, b.title, b.author, b.description, b.price, b.stock, b.stock_supplied, b.seller_id, b.created_at, "
    "b.updated_at, b.version, b.deleted_at IS NOT NULL";
constexpr std::size_t kSellerNameColumn = 12;

// The sellers table holds at most this many characters of a name.
constexpr std::size_t kMaxSellerNameChars = 200;

Book BookFromRow(const db::Row& row) {
  Book book;
  book.id = row.Int(0);
  book.title = row.String(1);
  book.author = row.String(2);
  book.description = row.String(3);
  book.price_cents = money::FromDecimal(row.String(4));
  book.stock = row.Int(5);
  book.stock_supplied = row.Int(6);
  book.seller_id = row.Int(7);
  book.created_at = DatabaseTimeToRfc3339(row.String(8));
  book.updated_at = DatabaseTimeToRfc3339(row.String(9));
  book.version = row.Int(10);
  book.deleted = row.Bool(11);
  if (row.Size() > kSellerNameColumn) {
    book.seller_name = row.OptString(kSellerNameColumn).value_or("");
  }
  return book;
}

std::string SelectBooksWithSeller() {
  return "SELECT " + std::string(kBookColumns) +
         ", s.name FROM books b LEFT JOIN sellers s ON s.user_id = b.seller_id";
}

// The first max_chars characters of valid UTF-8.
std::string ClampCharacters(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == max_chars) {
      return std::string(text.substr(0, i));
    }
  }
  return std::string(text);
}

std::string OrderBy(SortOrder sort) {
  switch (sort) {
    case SortOrder::kPriceAsc:
      return " ORDER BY b.price ASC, b.id ASC";
    case SortOrder::kPriceDesc:
      return " ORDER BY b.price DESC, b.id DESC";
    case SortOrder::kTitle:
      return " ORDER BY b.title ASC, b.id ASC";
    case SortOrder::kNewest:
      break;
  }
  return " ORDER BY b.id DESC";  // ids grow with creation time
}

// The WHERE clause of a search and its parameters. Only fixed SQL fragments go into the text; every
// value supplied by the client is a parameter.
std::string SearchConditions(const SearchQuery& query, db::ParamList& params) {
  std::string where = " WHERE b.deleted_at IS NULL";
  if (!query.terms.fulltext_words.empty()) {
    where += " AND MATCH(b.title, b.author) AGAINST(? IN BOOLEAN MODE)";
    params.Add(FulltextExpression(query.terms.fulltext_words));
  }
  for (const auto& text : query.terms.substrings) {
    where += " AND (b.title LIKE ? OR b.author LIKE ?)";
    const std::string pattern = ContainsPattern(text);
    params.Add(pattern);
    params.Add(pattern);
  }
  if (query.author) {
    where += " AND b.author = ?";
    params.Add(*query.author);
  }
  if (query.seller_id) {
    where += " AND b.seller_id = ?";
    params.Add(*query.seller_id);
  }
  if (query.in_stock) {
    where += " AND b.stock > 0";
  }
  return where;
}

}  // namespace

std::optional<Book> FindBook(db::Connection& c, std::int64_t id) {
  auto row = c.QueryOne(SelectBooksWithSeller() + " WHERE b.id = ? AND b.deleted_at IS NULL", {id});
  if (!row) {
    return std::nullopt;
  }
  return BookFromRow(*row);
}

std::optional<Book> LockBook(db::Connection& c, std::int64_t id) {
  // No join: FOR UPDATE would lock the seller's row too, and two transactions locking a seller and
  // books in different orders could deadlock.
  auto row =
      c.QueryOne("SELECT " + std::string(kBookColumns) + " FROM books b WHERE b.id = ? FOR UPDATE", {id});
  if (!row) {
    return std::nullopt;
  }
  Book book = BookFromRow(*row);
  book.seller_name = FindSellerName(c, book.seller_id).value_or("");
  return book;
}

std::int64_t InsertBook(db::Connection& c, const Book& book) {
  auto result = c.Execute(
      "INSERT INTO books (title, author, description, price, stock, stock_supplied, seller_id, version, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
      {book.title, book.author, book.description, db::Decimal{money::ToDecimal(book.price_cents)}, book.stock,
       book.stock, book.seller_id});
  return static_cast<std::int64_t>(result.insert_id);
}

void UpdateBook(db::Connection& c, const Book& after) {
  c.Execute(
      "UPDATE books SET title = ?, author = ?, description = ?, price = ?, stock = ?, stock_supplied = ?, "
      "version = version + 1, updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
      {after.title, after.author, after.description, db::Decimal{money::ToDecimal(after.price_cents)},
       after.stock, after.stock_supplied, after.id});
}

void SoftDeleteBook(db::Connection& c, std::int64_t id) {
  c.Execute(
      "UPDATE books SET deleted_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3), version = version + 1 "
      "WHERE id = ? AND deleted_at IS NULL",
      {id});
}

void TakeStock(db::Connection& c, std::int64_t id, std::int64_t quantity) {
  auto result = c.Execute(
      "UPDATE books SET stock = stock - ?, version = version + 1, updated_at = UTC_TIMESTAMP(3) "
      "WHERE id = ? AND stock >= ?",
      {quantity, id, quantity});
  if (result.affected_rows != 1) {
    throw std::logic_error("book " + std::to_string(id) + " has fewer than " + std::to_string(quantity) +
                           " copies left");
  }
}

void ReturnStock(db::Connection& c, std::int64_t id, std::int64_t quantity) {
  c.Execute(
      "UPDATE books SET stock = stock + ?, version = version + 1, updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
      {quantity, id});
}

void RefreshStock(db::Connection& c, Book& book) {
  const auto row = c.QueryOne("SELECT stock, version, updated_at FROM books WHERE id = ?", {book.id});
  if (!row) {
    throw std::logic_error("book " + std::to_string(book.id) + " vanished under its row lock");
  }
  book.stock = row->Int(0);
  book.version = row->Int(1);
  book.updated_at = DatabaseTimeToRfc3339(row->String(2));
}

SearchResult SearchBooks(db::Connection& c, const SearchQuery& query) {
  db::ParamList params;
  const std::string where = SearchConditions(query, params);
  SearchResult result;
  auto count = c.QueryOne("SELECT COUNT(*) FROM books b" + where, params);
  result.total = count ? count->Int(0) : 0;
  if (result.total <= query.offset) {
    return result;  // nothing on this page: skip the second query
  }
  params.Add(query.limit);
  params.Add(query.offset);
  for (const auto& row :
       c.Query(SelectBooksWithSeller() + where + OrderBy(query.sort) + " LIMIT ? OFFSET ?", params)) {
    result.books.push_back(BookFromRow(row));
  }
  return result;
}

void UpsertSellerFromToken(db::Connection& c, std::int64_t user_id, std::string_view name) {
  c.Execute(
      "INSERT INTO sellers (user_id, name, from_event, updated_at) VALUES (?, ?, FALSE, UTC_TIMESTAMP(3)) "
      "ON DUPLICATE KEY UPDATE updated_at = IF(from_event, updated_at, VALUES(updated_at)), "
      "name = IF(from_event, name, VALUES(name))",
      {user_id, ClampCharacters(name, kMaxSellerNameChars)});
}

void UpsertSellerFromEvent(db::Connection& c, std::int64_t user_id, std::string_view name) {
  c.Execute(
      "INSERT INTO sellers (user_id, name, from_event, updated_at) VALUES (?, ?, TRUE, UTC_TIMESTAMP(3)) "
      "ON DUPLICATE KEY UPDATE name = VALUES(name), from_event = TRUE, updated_at = VALUES(updated_at)",
      {user_id, ClampCharacters(name, kMaxSellerNameChars)});
}

std::optional<std::string> FindSellerName(db::Connection& c, std::int64_t user_id) {
  auto row = c.QueryOne("SELECT name FROM sellers WHERE user_id = ?", {user_id});
  if (!row) {
    return std::nullopt;
  }
  return row->String(0);
}

}  // namespace bookstore::catalog::repository
