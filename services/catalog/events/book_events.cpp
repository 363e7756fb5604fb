#include "events/book_events.h"

#include "bookstore/bus/event.h"
#include "bookstore/bus/outbox.h"

namespace bookstore::catalog::events {

void AddBookEvent(db::Connection& c, std::string_view type, const Book& book,
                  const std::string& traceparent) {
  bus::outbox::Add(c,
                   bus::MakeEvent(std::string(type), std::string(kSource), BookEventData(book), traceparent));
}

}  // namespace bookstore::catalog::events
