#include "repository/books_repository.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "bookstore/money/money.h"
#include "bookstore/text/utf8.h"

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

// A word of q as a condition on book_words.word: its prefix range, or, when that range holds a single
// key (the usual case: "zola" begins only "Zola"; "cafe" only "café", one key under the collation), that
// key. An exact key reads one run of the primary key, already in book_id order and without duplicates,
// so the count needs no DISTINCT and the newest-first page reads just its rows (measured with 100,000
// books, q=winter: 21 ms as a prefix range, 4 ms as the key).
struct WordCondition {
  bool exact = false;
  std::string value;  // the key (exact) or the LIKE pattern
};

// The conditions of q's words, exact ones first; nullopt when some word begins no indexed word (then
// nothing matches). One statement: the first and the last key of each word's prefix range, two index
// dives each. A book written between this and the search's next statements may add a second key to a
// range: that search then misses it, as if it had run a moment earlier.
std::optional<std::vector<WordCondition>> ResolveWords(db::Connection& c,
                                                       const std::vector<std::string>& words) {
  std::string sql = "SELECT ";
  db::ParamList params;
  for (std::size_t i = 0; i < words.size(); ++i) {
    sql += i == 0 ? "" : ", ";
    sql +=
        "(SELECT word FROM book_words WHERE word LIKE ? ORDER BY word LIMIT 1), "
        "(SELECT word FROM book_words WHERE word LIKE ? ORDER BY word DESC LIMIT 1)";
    const std::string pattern = PrefixPattern(words[i]);
    params.Add(pattern);
    params.Add(pattern);
  }
  const auto row = c.QueryOne(sql, params);
  std::vector<WordCondition> conditions;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto first = row->OptString(2 * i);
    const auto last = row->OptString(2 * i + 1);
    if (!first || !last) {
      return std::nullopt;
    }
    // Keys are unique under the collation, so one key is also one byte string.
    conditions.push_back(*first == *last ? WordCondition{true, *first}
                                         : WordCondition{false, PrefixPattern(words[i])});
  }
  std::stable_partition(conditions.begin(), conditions.end(), [](const auto& w) { return w.exact; });
  return conditions;
}

std::string WordTest(std::string_view table, const WordCondition& condition) {
  return std::string(table) + (condition.exact ? ".word = ?" : ".word LIKE ?");
}

// The ids of the live books whose title or author has a word meeting each condition (at least one), as a
// SELECT of one column `book_id`, each id once. The first condition reads its range of book_words'
// primary key; every further one is a check per candidate on (book_id, word), which MariaDB turns into a
// semi-join that starts from whichever it estimates to match fewer books.
// The hint is for the newest-first page of several words: MariaDB cannot tell how few books match them
// all and walked book_words_book backwards (in book_id order) looking for 20, through most of the index
// (measured with 100,000 books: "zola café" as prefixes 240 ms, "winter dublin" 230 ms; with the hint it
// reads the ranges, 4 and 9 ms). For one prefix the hint leaves MariaDB its choice (the DISTINCT is a
// GROUP BY to it), and it walks book_words_book only when the range estimate says the word is frequent.
std::string MatchingBookIds(const std::vector<WordCondition>& words, db::ParamList& params) {
  std::string sql = words.front().exact ? "SELECT m.book_id" : "SELECT DISTINCT m.book_id";
  sql +=
      " FROM book_words m IGNORE INDEX FOR ORDER BY (book_words_book) WHERE " + WordTest("m", words.front());
  params.Add(words.front().value);
  for (std::size_t i = 1; i < words.size(); ++i) {
    sql += " AND m.book_id IN (SELECT w.book_id FROM book_words w WHERE " + WordTest("w", words[i]) + ")";
    params.Add(words[i].value);
  }
  return sql;
}

bool HasFilters(const SearchQuery& query) {
  return query.ids || query.author || query.seller_id || query.in_stock;
}

// The conditions on books of a search other than q. Only fixed SQL fragments go into the text; every
// value supplied by the client is a parameter.
std::string FilterConditions(const SearchQuery& query, db::ParamList& params) {
  std::string where;
  if (query.ids) {
    where += " AND b.id IN (" + db::Placeholders(query.ids->size()) + ")";
    for (const std::int64_t id : *query.ids) {
      params.Add(id);
    }
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

// A search's two statements, given the same parameters: the count for X-Total-Count, then, unless the
// page lies past the end, the page (its SQL ends with "LIMIT ? OFFSET ?", bound after `params`).
SearchResult CountThenPage(db::Connection& c, const std::string& count_sql, const std::string& page_sql,
                           db::ParamList params, const SearchQuery& query) {
  SearchResult result;
  auto count = c.QueryOne(count_sql, params);
  result.total = count ? count->Int(0) : 0;
  if (result.total <= query.offset) {
    return result;  // nothing on this page: skip the second query
  }
  params.Add(query.limit);
  params.Add(query.offset);
  for (const auto& row : c.Query(page_sql, params)) {
    result.books.push_back(BookFromRow(row));
  }
  return result;
}

// The common search, q alone in the default order, answered from book_words: the count and the ids of
// the page come from index ranges of the words alone (book_words holds live books only, so no row of
// books is read for them), and only the page's books are read.
SearchResult SearchWordsNewestFirst(db::Connection& c, const std::vector<WordCondition>& words,
                                    const SearchQuery& query) {
  db::ParamList params;
  const std::string matches = MatchingBookIds(words, params);
  // deleted_at is checked again only as a guard: a deleted book's words are removed with the delete.
  const std::string page_sql =
      "SELECT " + std::string(kBookColumns) + ", s.name FROM (" + matches +
      " ORDER BY m.book_id DESC LIMIT ? OFFSET ?) page JOIN books b ON b.id = page.book_id "
      "LEFT JOIN sellers s ON s.user_id = b.seller_id WHERE b.deleted_at IS NULL "
      "ORDER BY b.id DESC";
  return CountThenPage(c, "SELECT COUNT(*) FROM (" + matches + ") t", page_sql, std::move(params), query);
}

// Every other search: the filters and the order need columns of books, so the matches of q (when given)
// are joined to books. The count starts from the matches and reads the book of each (STRAIGHT_JOIN:
// MariaDB preferred to scan every live book and look each up in book_words, measured 255 ms against
// 80 ms for q=the&in_stock, 16 ms for q=zola&in_stock). The page is MariaDB's choice, usually walking
// the order's index until it has 20 matches, and its ids are chosen before only those 20 rows are joined
// to sellers: with the join in the same SELECT and a small sellers table, MariaDB joined sellers through
// a buffer and sorted every live book instead (measured: q=the&in_stock&sort=price_asc 526 ms, 34 ms).
SearchResult SearchBooksTable(db::Connection& c, const std::vector<WordCondition>* words,
                              const SearchQuery& query) {
  db::ParamList params;  // the words' values first, then the filters', in both statements
  const std::string matches = words != nullptr ? MatchingBookIds(*words, params) : "";
  const std::string filters = FilterConditions(query, params);
  const std::string count_sql =
      words != nullptr ? "SELECT COUNT(*) FROM (" + matches + ") t STRAIGHT_JOIN books b ON b.id = t.book_id"
                       : std::string("SELECT COUNT(*) FROM books b");
  const std::string where =
      " WHERE b.deleted_at IS NULL" + (words != nullptr ? " AND b.id IN (" + matches + ")" : "") + filters;
  const std::string order = OrderBy(query.sort);
  const std::string page_sql = "SELECT " + std::string(kBookColumns) +
                               ", s.name FROM (SELECT b.id FROM books b" + where + order +
                               " LIMIT ? OFFSET ?) page JOIN books b ON b.id = page.id " +
                               "LEFT JOIN sellers s ON s.user_id = b.seller_id" + order;
  return CountThenPage(c, count_sql + " WHERE b.deleted_at IS NULL" + filters, page_sql, std::move(params),
                       query);
}

// The index rows of a book (migration 0004): one multi-row INSERT. Two words equal under the collation
// ("Café", "cafe") are one row of the primary key, hence the no-op ON DUPLICATE KEY UPDATE.
void InsertBookWords(db::Connection& c, std::int64_t id, std::string_view title, std::string_view author) {
  const std::vector<std::string> words = IndexWords(title, author);
  if (words.empty()) {
    return;  // a title and author of punctuation only: nothing q can find
  }
  std::string sql = "INSERT INTO book_words (word, book_id) VALUES ";
  db::ParamList params;
  for (std::size_t i = 0; i < words.size(); ++i) {
    sql += i == 0 ? "(?, ?)" : ", (?, ?)";
    params.Add(words[i]);
    params.Add(id);
  }
  sql += " ON DUPLICATE KEY UPDATE book_id = book_id";
  c.Execute(sql, params);
}

void DeleteBookWords(db::Connection& c, std::int64_t id) {
  c.Execute("DELETE FROM book_words WHERE book_id = ?", {id});
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
  const auto id = static_cast<std::int64_t>(result.insert_id);
  InsertBookWords(c, id, book.title, book.author);
  return id;
}

void UpdateBook(db::Connection& c, const Book& before, const Book& after) {
  c.Execute(
      "UPDATE books SET title = ?, author = ?, description = ?, price = ?, stock = ?, stock_supplied = ?, "
      "version = version + 1, updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
      {after.title, after.author, after.description, db::Decimal{money::ToDecimal(after.price_cents)},
       after.stock, after.stock_supplied, after.id});
  if (after.title != before.title || after.author != before.author) {
    DeleteBookWords(c, after.id);
    InsertBookWords(c, after.id, after.title, after.author);
  }
}

void SoftDeleteBook(db::Connection& c, std::int64_t id) {
  c.Execute(
      "UPDATE books SET deleted_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3), version = version + 1 "
      "WHERE id = ? AND deleted_at IS NULL",
      {id});
  DeleteBookWords(c, id);  // book_words holds live books only, so searches need not check deleted_at
}

LockedBooks LockBooks(db::Connection& c, const std::vector<std::int64_t>& ids) {
  LockedBooks locked;
  if (ids.empty()) {
    return locked;
  }
  // No join with sellers: FOR UPDATE would lock sellers' rows too, in another order than other writers.
  std::set<std::int64_t> sellers;
  for (const db::Row& row : c.Query("SELECT " + std::string(kBookColumns) +
                                        ", NULL, UTC_TIMESTAMP(3) FROM books b WHERE b.id IN (" +
                                        db::Placeholders(ids.size()) + ") ORDER BY b.id FOR UPDATE",
                                    db::ParamsOf(ids))) {
    Book book = BookFromRow(row);
    locked.now = row.String(kSellerNameColumn + 1);  // the seller's name (NULL here) comes first
    sellers.insert(book.seller_id);
    locked.books.emplace(book.id, std::move(book));
  }
  if (sellers.empty()) {
    return locked;
  }
  std::map<std::int64_t, std::string> names;
  for (const db::Row& row : c.Query(
           "SELECT user_id, name FROM sellers WHERE user_id IN (" + db::Placeholders(sellers.size()) + ")",
           db::ParamsOf(sellers))) {
    names.emplace(row.Int(0), row.String(1));
  }
  for (auto& [id, book] : locked.books) {
    const auto name = names.find(book.seller_id);
    book.seller_name = name == names.end() ? "" : name->second;
  }
  return locked;
}

void WriteStock(db::Connection& c, const std::vector<StockWrite>& writes, const std::string& now) {
  if (writes.empty()) {
    return;
  }
  std::vector<std::pair<db::Param, db::Param>> stock;
  std::vector<std::int64_t> ids;
  for (const StockWrite& write : writes) {
    stock.emplace_back(write.book_id, write.stock);
    ids.push_back(write.book_id);
  }
  db::ParamList params;
  const std::string new_stock = db::CaseWhen("id", stock, params);
  params.Add(now);
  for (const std::int64_t id : ids) {
    params.Add(id);
  }
  c.Execute("UPDATE books SET stock = " + new_stock +
                ", version = version + 1, updated_at = ? WHERE id IN (" + db::Placeholders(ids.size()) + ")",
            params);
}

SearchResult SearchBooks(db::Connection& c, const SearchQuery& query) {
  if (!query.words) {
    return SearchBooksTable(c, nullptr, query);
  }
  if (query.words->empty()) {
    return {};  // q without a word: no indexed word holds punctuation
  }
  const auto words = ResolveWords(c, *query.words);
  if (!words) {
    return {};
  }
  if (!HasFilters(query) && query.sort == SortOrder::kNewest) {
    return SearchWordsNewestFirst(c, *words, query);
  }
  return SearchBooksTable(c, &*words, query);
}

void UpsertSellerFromToken(db::Connection& c, std::int64_t user_id, std::string_view name) {
  c.Execute(
      "INSERT INTO sellers (user_id, name, from_event, updated_at) VALUES (?, ?, FALSE, UTC_TIMESTAMP(3)) "
      "ON DUPLICATE KEY UPDATE updated_at = IF(from_event, updated_at, VALUES(updated_at)), "
      "name = IF(from_event, name, VALUES(name))",
      {user_id, std::string(text::ClampCharacters(name, kMaxSellerNameChars))});
}

void UpsertSellerFromEvent(db::Connection& c, std::int64_t user_id, std::string_view name) {
  c.Execute(
      "INSERT INTO sellers (user_id, name, from_event, updated_at) VALUES (?, ?, TRUE, UTC_TIMESTAMP(3)) "
      "ON DUPLICATE KEY UPDATE name = VALUES(name), from_event = TRUE, updated_at = VALUES(updated_at)",
      {user_id, std::string(text::ClampCharacters(name, kMaxSellerNameChars))});
}

std::optional<std::string> FindSellerName(db::Connection& c, std::int64_t user_id) {
  auto row = c.QueryOne("SELECT name FROM sellers WHERE user_id = ?", {user_id});
  if (!row) {
    return std::nullopt;
  }
  return row->String(0);
}

}  // namespace bookstore::catalog::repository
