#include "events/dispatch.h"

#include "bookstore/log/log.h"
#include "domain/event_data.h"
#include "domain/order_state.h"
#include "events/order_events.h"
#include "repository/books_repository.h"
#include "repository/orders_repository.h"

namespace bookstore::orders::events {

// After the commit: the woken POST /orders then reads the answer without waiting for locks.
void EventHandlers::WakeWaitingRequest(db::Connection& c, std::int64_t order_id) {
  c.AfterCommit([this, order_id] { notifier_.Notify(order_id); });
}

void EventHandlers::Handle(const bus::Event& event, db::Connection& c) {
  if (event.type.starts_with("book.")) {
    HandleBook(event, c);
  } else if (event.type == "order.stock_reserved") {
    HandleStockReserved(event, c);
  } else if (event.type == "order.stock_rejected") {
    HandleStockRejected(event, c);
  } else {
    log::Debug("ignoring an event orders does not handle", {{"type", event.type}, {"event_id", event.id}});
  }
}

void EventHandlers::HandleBook(const bus::Event& event, db::Connection& c) {
  const bool deleted_event = event.type == "book.deleted";
  const BookSnapshot book = ParseBookEvent(event.data, deleted_event);
  repository::UpsertBook(c, book);  // unless the read model holds this version or a newer one
  if (!book.deleted) {
    return;
  }
  // Whatever the version: a deleted book stays deleted, and cancelling is idempotent (only unpaid
  // orders are touched), so a redelivered or late book.deleted does no harm.
  for (const repository::OrderRef& order : repository::LockUnpaidOrdersWithBook(c, book.id)) {
    CancelOrder(c, order, Trigger::kBookDeleted, "book_deleted", event.traceparent);
  }
}

void EventHandlers::HandleStockReserved(const bus::Event& event, db::Connection& c) {
  const StockReserved reserved = ParseStockReserved(event.data);
  const auto order = repository::LoadOrder(c, reserved.order_id, repository::Lock::kUpdate);
  if (!order) {
    // Not ours (another store sharing the broker?) or from before a database reset: nothing to hold it
    // for, so give the stock back rather than leak it.
    log::Warn("order.stock_reserved for an unknown order; releasing it",
              {{"order_id", reserved.order_id}, {"event_id", event.id}});
    EmitCancelled(c, reserved.order_id, reserved.user_id, "admin", event.traceparent);
    return;
  }
  const Transition transition = Decide(order->status, Trigger::kStockReserved);
  if (transition.verdict == Verdict::kApply) {
    repository::MarkReserved(c, reserved, payment_timeout_);
    log::Info("order reserved; awaiting payment", {{"order_id", order->id}, {"event_id", event.id}});
  } else if (transition.effect == Effect::kEmitCancelled) {
    // Cancelled while catalog was reserving: it must give the copies back (domain/SAGA.md, case C2).
    EmitCancelled(c, order->id, order->user_id, order->reason.value_or("user"), event.traceparent);
    log::Info("late reservation of a cancelled order; announcing the cancellation again",
              {{"order_id", order->id}, {"event_id", event.id}});
  } else if (order->status == OrderStatus::kRejected) {
    log::Error("catalog reserved an order it had rejected",
               {{"order_id", order->id}, {"event_id", event.id}});
  } else {
    log::Info("order.stock_reserved for an order already past it; nothing to do",
              {{"order_id", order->id}, {"status", StatusName(order->status)}, {"event_id", event.id}});
  }
  WakeWaitingRequest(c, order->id);
}

void EventHandlers::HandleStockRejected(const bus::Event& event, db::Connection& c) {
  const StockRejected rejected = ParseStockRejected(event.data);
  const auto order = repository::LoadOrder(c, rejected.order_id, repository::Lock::kUpdate);
  if (!order) {
    log::Warn("order.stock_rejected for an unknown order; ignored",
              {{"order_id", rejected.order_id}, {"event_id", event.id}});
    return;
  }
  if (Decide(order->status, Trigger::kStockRejected).verdict == Verdict::kApply) {
    repository::MarkRejected(c, rejected);
    log::Info("order rejected",
              {{"order_id", order->id}, {"reason", rejected.reason}, {"event_id", event.id}});
  } else {
    log::Info("order.stock_rejected for an order already past it; nothing to do",
              {{"order_id", order->id}, {"status", StatusName(order->status)}, {"event_id", event.id}});
  }
  WakeWaitingRequest(c, order->id);
}

}  // namespace bookstore::orders::events
