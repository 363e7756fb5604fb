#pragma once
// book.* events: every change of a book writes exactly one of them into the outbox, in the transaction
// of the change, carrying the whole book and its new version (docs/events.md).
//   book.created        POST /books
//   book.updated        PUT /books/{id} that changed anything but stock (stock may have changed too)
//   book.stock_changed  PUT that changed only stock; a reservation or release by the order saga
//   book.deleted        DELETE /books/{id} (data has "deleted": true)

#include <string>
#include <string_view>

#include "bookstore/bus/event.h"
#include "bookstore/db/db.h"
#include "domain/book.h"

namespace bookstore::catalog::events {

inline constexpr std::string_view kSource = "catalog";

// The event of `type` for `book` (as it is after the change).
bus::Event BookEvent(std::string_view type, const Book& book, const std::string& traceparent);

// Adds BookEvent(...) to the outbox on `c`.
void AddBookEvent(db::Connection& c, std::string_view type, const Book& book, const std::string& traceparent);

}  // namespace bookstore::catalog::events
