#pragma once
// What orders does with the events of its queue (orders.events: book.created, book.updated, book.deleted,
// order.stock_reserved, order.stock_rejected), run by the InboxConsumer inside its transaction, so a
// redelivered event has no second effect:
//   book.created/updated                the read model takes the book unless it holds a newer version
//   book.deleted                        the same, then every order of the book not yet paid is cancelled
//                                       (order.cancelled reason book_deleted: catalog releases the stock)
//   order.stock_reserved                pending -> awaiting_payment with catalog's prices and total; for an
//                                       order cancelled meanwhile, order.cancelled again (domain/SAGA.md)
//   order.stock_rejected                pending -> rejected with the reason and the books short
// The two saga answers also wake the request of this replica waiting for that order (OutcomeNotifier).
// The answers of a batch are applied together, as if one after the other: their orders locked by one
// statement in ascending id, then one UPDATE of orders and one of order_items per kind of answer.

#include <chrono>
#include <map>
#include <span>
#include <vector>

#include "bookstore/bus/event.h"
#include "bookstore/db/db.h"
#include "domain/event_data.h"
#include "events/outcome_notifier.h"
#include "repository/orders_repository.h"

namespace bookstore::orders::events {

class EventHandlers {
 public:
  EventHandlers(std::chrono::milliseconds payment_timeout, OutcomeNotifier& notifier)
      : payment_timeout_(payment_timeout), notifier_(notifier) {}

  // A batch of events new to the inbox, in delivery order (bus::InboxBatchHandler).
  void Handle(std::span<const bus::Event> events, db::Connection& c);

 private:
  void HandleBook(const bus::Event& event, db::Connection& c);
  void HandleAnswers(const std::vector<const bus::Event*>& answers, db::Connection& c);
  bool ApplyReserved(const StockReserved& answer, const bus::Event& event,
                     std::map<std::int64_t, repository::OrderRef>& orders, db::Connection& c);
  static bool ApplyRejected(const StockRejected& answer, const bus::Event& event,
                            std::map<std::int64_t, repository::OrderRef>& orders);
  void WakeWaitingRequests(db::Connection& c, const std::vector<std::int64_t>& order_ids);

  std::chrono::milliseconds payment_timeout_;
  OutcomeNotifier& notifier_;
};

}  // namespace bookstore::orders::events
