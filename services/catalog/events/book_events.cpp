#include "events/book_events.h"

#include "bookstore/bus/event.h"
#include "bookstore/bus/outbox.h"

namespace bookstore::catalog::events {

bus::Event BookEvent(std::string_view type, const Book& book, const std::string& traceparent) {
  return bus::MakeEvent(std::string(type), std::string(kSource), BookEventData(book), traceparent);
}

void AddBookEvent(db::Connection& c, std::string_view type, const Book& book,
                  const std::string& traceparent) {
  bus::outbox::Add(c, BookEvent(type, book, traceparent));
}

}  // namespace bookstore::catalog::events
