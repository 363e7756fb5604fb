#pragma once
// SQL of the book read model (migrations/0003_create_books.sql).

#include <cstdint>
#include <map>
#include <vector>

#include "bookstore/db/db.h"
#include "domain/event_data.h"

namespace bookstore::orders::repository {

// Stores the book unless the model already holds the same or a newer version.
void UpsertBook(db::Connection& c, const BookSnapshot& book);

struct KnownBook {
  std::int64_t id = 0;
  std::string title;
  std::int64_t seller_id = 0;
  bool deleted = false;
};

// The books of `ids` the read model knows, by id.
std::map<std::int64_t, KnownBook> FindBooks(db::Connection& c, const std::vector<std::int64_t>& ids);

}  // namespace bookstore::orders::repository
