#include "events/dispatch.h"

#include <algorithm>
#include <map>
#include <vector>

#include "bookstore/log/log.h"
#include "domain/event_data.h"
#include "domain/order_state.h"
#include "events/order_events.h"
#include "repository/books_repository.h"
#include "repository/orders_repository.h"

namespace bookstore::orders::events {

// Wakes the requests waiting for these orders after the commit (so that a request reading the order
// then never waits for locks). The orders that requests of this process wait for are read as this
// transaction leaves them, by one statement for the batch, and handed over: each such request answers
// without a read of its own (one statement per order before).
void EventHandlers::WakeWaitingRequests(db::Connection& c, const std::vector<std::int64_t>& order_ids) {
  std::vector<std::int64_t> awaited;
  for (const std::int64_t id : order_ids) {
    if (notifier_.Awaited(id)) awaited.push_back(id);
  }
  std::map<std::int64_t, Order> loaded = repository::LoadOrders(c, awaited);
  for (const std::int64_t id : order_ids) {
    const auto found = loaded.find(id);
    std::shared_ptr<const Order> order;
    if (found != loaded.end()) order = std::make_shared<const Order>(std::move(found->second));
    c.AfterCommit([this, id, order] { notifier_.Notify(id, order); });
  }
}

void EventHandlers::Handle(std::span<const bus::Event> events, db::Connection& c) {
  std::vector<const bus::Event*> answers;
  for (const bus::Event& event : events) {
    if (event.type == "order.stock_reserved" || event.type == "order.stock_rejected") {
      answers.push_back(&event);
    } else if (event.type.starts_with("book.")) {
      HandleBook(event, c);
    } else {
      log::Debug("ignoring an event orders does not handle", {{"type", event.type}, {"event_id", event.id}});
    }
  }
  if (!answers.empty()) {
    HandleAnswers(answers, c);
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

// The answers of a batch, as if one after the other: the orders locked by one statement (ascending id),
// each answer decided against its order's status as the answers before it left it, then one UPDATE of
// orders and one of order_items per kind of answer for all of them.
void EventHandlers::HandleAnswers(const std::vector<const bus::Event*>& answers, db::Connection& c) {
  std::vector<StockReserved> reserved;
  std::vector<StockRejected> rejected;
  std::vector<std::int64_t> ids;
  for (const bus::Event* event : answers) {
    if (event->type == "order.stock_reserved") {
      reserved.push_back(ParseStockReserved(event->data));
      ids.push_back(reserved.back().order_id);
    } else {
      rejected.push_back(ParseStockRejected(event->data));
      ids.push_back(rejected.back().order_id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::map<std::int64_t, repository::OrderRef> orders = repository::LockOrders(c, ids);

  std::vector<StockReserved> to_reserve;
  std::vector<StockRejected> to_reject;
  auto next_reserved = reserved.begin();
  auto next_rejected = rejected.begin();
  for (const bus::Event* event : answers) {
    if (event->type == "order.stock_reserved") {
      if (ApplyReserved(*next_reserved, *event, orders, c)) to_reserve.push_back(*next_reserved);
      ++next_reserved;
    } else {
      if (ApplyRejected(*next_rejected, *event, orders)) to_reject.push_back(*next_rejected);
      ++next_rejected;
    }
  }
  repository::MarkReserved(c, to_reserve, payment_timeout_);
  repository::MarkRejected(c, to_reject);
  std::erase_if(ids, [&orders](std::int64_t id) { return !orders.contains(id); });
  WakeWaitingRequests(c, ids);
}

// True when the order goes pending -> awaiting_payment; `orders` then shows it so.
bool EventHandlers::ApplyReserved(const StockReserved& answer, const bus::Event& event,
                                  std::map<std::int64_t, repository::OrderRef>& orders, db::Connection& c) {
  const auto found = orders.find(answer.order_id);
  if (found == orders.end()) {
    // Not ours (another store sharing the broker?) or from before a database reset: nothing to hold it
    // for, so give the stock back rather than leak it.
    log::Warn("order.stock_reserved for an unknown order; releasing it",
              {{"order_id", answer.order_id}, {"event_id", event.id}});
    EmitCancelled(c, answer.order_id, answer.user_id, "admin", event.traceparent);
    return false;
  }
  repository::OrderRef& order = found->second;
  const Transition transition = Decide(order.status, Trigger::kStockReserved);
  if (transition.verdict == Verdict::kApply) {
    order.status = OrderStatus::kAwaitingPayment;
    log::Info("order reserved; awaiting payment", {{"order_id", order.id}, {"event_id", event.id}});
    return true;
  }
  if (transition.effect == Effect::kEmitCancelled) {
    // Cancelled while catalog was reserving: it must give the copies back (domain/SAGA.md, case C2).
    EmitCancelled(c, order.id, order.user_id, order.reason.value_or("user"), event.traceparent);
    log::Info("late reservation of a cancelled order; announcing the cancellation again",
              {{"order_id", order.id}, {"event_id", event.id}});
  } else if (order.status == OrderStatus::kRejected) {
    log::Error("catalog reserved an order it had rejected", {{"order_id", order.id}, {"event_id", event.id}});
  } else {
    log::Info("order.stock_reserved for an order already past it; nothing to do",
              {{"order_id", order.id}, {"status", StatusName(order.status)}, {"event_id", event.id}});
  }
  return false;
}

// True when the order goes pending -> rejected; `orders` then shows it so.
bool EventHandlers::ApplyRejected(const StockRejected& answer, const bus::Event& event,
                                  std::map<std::int64_t, repository::OrderRef>& orders) {
  const auto found = orders.find(answer.order_id);
  if (found == orders.end()) {
    log::Warn("order.stock_rejected for an unknown order; ignored",
              {{"order_id", answer.order_id}, {"event_id", event.id}});
    return false;
  }
  repository::OrderRef& order = found->second;
  if (Decide(order.status, Trigger::kStockRejected).verdict == Verdict::kApply) {
    order.status = OrderStatus::kRejected;
    order.reason = answer.reason;
    log::Info("order rejected", {{"order_id", order.id}, {"reason", answer.reason}, {"event_id", event.id}});
    return true;
  }
  log::Info("order.stock_rejected for an order already past it; nothing to do",
            {{"order_id", order.id}, {"status", StatusName(order.status)}, {"event_id", event.id}});
  return false;
}

}  // namespace bookstore::orders::events
