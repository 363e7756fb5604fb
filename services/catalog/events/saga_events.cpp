#include "events/saga_events.h"

#include <map>

#include "bookstore/bus/outbox.h"
#include "bookstore/log/log.h"
#include "domain/saga.h"
#include "events/book_events.h"
#include "repository/books_repository.h"
#include "repository/saga_repository.h"

namespace bookstore::catalog::events {
namespace {

using repository::SagaState;

void AddOrderEvent(db::Connection& c, std::string type, boost::json::object data, const bus::Event& cause) {
  bus::outbox::Add(c,
                   bus::MakeEvent(std::move(type), std::string(kSource), std::move(data), cause.traceparent));
}

// Locks the order's books in id order (PlacedOrder items are sorted), the same order every handler
// uses, so two orders sharing books never deadlock.
std::map<std::int64_t, Book> LockBooks(db::Connection& c, const PlacedOrder& order) {
  std::map<std::int64_t, Book> books;
  for (const OrderItem& item : order.items) {
    if (auto book = repository::LockBook(c, item.book_id)) {
      books.emplace(item.book_id, std::move(*book));
    }
  }
  return books;
}

void Reserve(db::Connection& c, const bus::Event& event, const PlacedOrder& order,
             const std::map<std::int64_t, Book>& books) {
  for (const OrderItem& item : order.items) {
    repository::TakeStock(c, item.book_id, item.quantity);
    repository::InsertReservation(c, order.order_id, item.book_id, item.quantity,
                                  books.at(item.book_id).price_cents);
    Book changed = books.at(item.book_id);
    repository::RefreshStock(c, changed);
    AddBookEvent(c, "book.stock_changed", changed, event.traceparent);
  }
  repository::SetSagaOrderState(c, order.order_id, SagaState::kReserved);
  AddOrderEvent(c, "order.stock_reserved", StockReservedData(order, books), event);
}

}  // namespace

void HandleOrderPlaced(const bus::Event& event, db::Connection& c) {
  const PlacedOrder order = ParseOrderPlaced(event.data);
  if (auto state = repository::ClaimSagaOrder(c, order.order_id, order.user_id)) {
    log::Info(
        "order.placed for an order already handled; nothing to do",
        {{"order_id", order.order_id}, {"state", repository::SagaStateName(*state)}, {"event_id", event.id}});
    return;
  }
  const auto books = LockBooks(c, order);
  const ReservationDecision decision = DecideReservation(order, books);
  if (decision.reserve) {
    Reserve(c, event, order, books);
    log::Info("stock reserved", {{"order_id", order.order_id}, {"event_id", event.id}});
    return;
  }
  repository::SetSagaOrderState(c, order.order_id, SagaState::kRejected);
  AddOrderEvent(c, "order.stock_rejected", StockRejectedData(order, decision), event);
  log::Info("stock rejected",
            {{"order_id", order.order_id}, {"reason", decision.reason}, {"event_id", event.id}});
}

void HandleOrderCancelled(const bus::Event& event, db::Connection& c) {
  const CancelledOrder order = ParseOrderCancelled(event.data);
  const auto state = repository::ClaimSagaOrder(c, order.order_id, order.user_id);
  if (!state) {
    // Cancelled before its order.placed was handled (events are not handled in publish order).
    repository::SetSagaOrderState(c, order.order_id, SagaState::kCancelled);
    log::Info("order cancelled before it was placed here; it will reserve nothing",
              {{"order_id", order.order_id}, {"event_id", event.id}});
    return;
  }
  if (*state != SagaState::kReserved) {
    log::Info(
        "order.cancelled with nothing to release",
        {{"order_id", order.order_id}, {"state", repository::SagaStateName(*state)}, {"event_id", event.id}});
    return;
  }
  for (const repository::HeldItem& item : repository::LockHeldItems(c, order.order_id)) {
    repository::ReturnStock(c, item.book_id, item.quantity);
    const auto book = repository::LockBook(c, item.book_id);
    // A deleted book's stock still goes back (the stock invariant holds for it too), but announcing it
    // would bring the book back to life in other services' read models.
    if (book && !book->deleted) {
      AddBookEvent(c, "book.stock_changed", *book, event.traceparent);
    }
  }
  repository::MarkReleased(c, order.order_id);
  repository::SetSagaOrderState(c, order.order_id, SagaState::kReleased);
  log::Info("reservation released", {{"order_id", order.order_id}, {"event_id", event.id}});
}

}  // namespace bookstore::catalog::events
