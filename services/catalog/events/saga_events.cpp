#include "events/saga_events.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bookstore/bus/outbox.h"
#include "bookstore/log/log.h"
#include "domain/saga.h"
#include "events/book_events.h"
#include "repository/books_repository.h"
#include "repository/saga_repository.h"

namespace bookstore::catalog::events {
namespace {

using repository::SagaState;

// One event of the batch, read.
struct Step {
  const bus::Event* event = nullptr;
  std::optional<PlacedOrder> placed;  // else an order.cancelled
  CancelledOrder cancelled;
};

std::vector<Step> ReadSteps(std::span<const bus::Event> events) {
  std::vector<Step> steps;
  steps.reserve(events.size());
  for (const bus::Event& event : events) {
    Step step{&event, std::nullopt, {}};
    if (event.type == "order.placed") {
      step.placed = ParseOrderPlaced(event.data);
    } else {
      step.cancelled = ParseOrderCancelled(event.data);
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

std::int64_t OrderIdOf(const Step& step) {
  return step.placed ? step.placed->order_id : step.cancelled.order_id;
}
std::int64_t UserIdOf(const Step& step) {
  return step.placed ? step.placed->user_id : step.cancelled.user_id;
}

// The batch as it goes: the orders' states and the books as each event leaves them, and what to write.
class SagaBatch {
 public:
  SagaBatch(db::Connection& c, const std::vector<Step>& steps) : c_(c) {
    std::map<std::int64_t, std::int64_t> orders;  // order id -> user id
    for (const Step& step : steps) {
      orders.emplace(OrderIdOf(step), UserIdOf(step));
    }
    states_ = repository::ClaimSagaOrders(c_, orders);
    LockWhatTheBatchTouches(steps);
  }

  void Apply(const Step& step) {
    if (step.placed) {
      Place(*step.placed, *step.event);
    } else {
      Cancel(step.cancelled, *step.event);
    }
  }

  // The writes of the whole batch, one statement each, in the order the locks were taken.
  void Write() {
    std::vector<repository::StockWrite> stock;
    const std::string updated_at = moved_books_.empty() ? std::string() : DatabaseTimeToRfc3339(books_.now);
    for (const std::int64_t id : moved_books_) {
      Book& book = books_.books.at(id);
      stock.push_back({id, book.stock});
      book.version += 1;
      book.updated_at = updated_at;
    }
    repository::WriteStock(c_, stock, books_.now);
    repository::InsertReservations(c_, reservations_);
    repository::MarkReleased(c_, released_);
    repository::SetSagaOrderStates(c_, new_states_);
    for (const std::int64_t id : moved_books_) {
      const Book& book = books_.books.at(id);
      if (!book.deleted) {
        outgoing_.push_back(BookEvent("book.stock_changed", book, traceparents_.at(id)));
      }
    }
    bus::outbox::AddAll(c_, outgoing_);
  }

 private:
  // The reservations the batch may release (orders already reserved before it) and every book it may
  // reserve or give back, in that order.
  void LockWhatTheBatchTouches(const std::vector<Step>& steps) {
    std::vector<std::int64_t> releasable;
    std::set<std::int64_t> book_ids;
    for (const Step& step : steps) {
      const std::optional<SagaState>& state = states_.at(OrderIdOf(step));
      if (step.placed && !state) {
        for (const OrderItem& item : step.placed->items) {
          book_ids.insert(item.book_id);
        }
      } else if (!step.placed && state == SagaState::kReserved) {
        releasable.push_back(step.cancelled.order_id);
      }
    }
    held_ = repository::LockHeldItems(c_, releasable);
    for (const auto& [order_id, items] : held_) {
      for (const repository::HeldItem& item : items) {
        book_ids.insert(item.book_id);
      }
    }
    books_ = repository::LockBooks(c_, std::vector<std::int64_t>(book_ids.begin(), book_ids.end()));
  }

  void Place(const PlacedOrder& order, const bus::Event& event) {
    std::optional<SagaState>& state = states_.at(order.order_id);
    if (state) {
      log::Info("order.placed for an order already handled; nothing to do",
                {{"order_id", order.order_id},
                 {"state", repository::SagaStateName(*state)},
                 {"event_id", event.id}});
      return;
    }
    const ReservationDecision decision = DecideReservation(order, books_.books);
    if (!decision.reserve) {
      SetState(order.order_id, SagaState::kRejected);
      Emit("order.stock_rejected", StockRejectedData(order, decision), event);
      log::Info("stock rejected",
                {{"order_id", order.order_id}, {"reason", decision.reason}, {"event_id", event.id}});
      return;
    }
    std::vector<repository::HeldItem>& held = held_[order.order_id];
    for (const OrderItem& item : order.items) {
      Book& book = books_.books.at(item.book_id);
      book.stock -= item.quantity;
      Moved(book.id, event);
      reservations_.push_back({order.order_id, item.book_id, item.quantity, book.price_cents});
      held.push_back({item.book_id, item.quantity});
    }
    SetState(order.order_id, SagaState::kReserved);
    Emit("order.stock_reserved", StockReservedData(order, books_.books), event);
    log::Info("stock reserved", {{"order_id", order.order_id}, {"event_id", event.id}});
  }

  void Cancel(const CancelledOrder& order, const bus::Event& event) {
    const std::optional<SagaState> state = states_.at(order.order_id);
    if (!state) {
      // Cancelled before its order.placed was handled (events are not handled in publish order).
      SetState(order.order_id, SagaState::kCancelled);
      log::Info("order cancelled before it was placed here; it will reserve nothing",
                {{"order_id", order.order_id}, {"event_id", event.id}});
      return;
    }
    if (*state != SagaState::kReserved) {
      log::Info("order.cancelled with nothing to release", {{"order_id", order.order_id},
                                                            {"state", repository::SagaStateName(*state)},
                                                            {"event_id", event.id}});
      return;
    }
    // A deleted book's stock goes back too: the stock invariant holds for it as well.
    for (const repository::HeldItem& item : held_[order.order_id]) {
      books_.books.at(item.book_id).stock += item.quantity;
      Moved(item.book_id, event);
    }
    released_.push_back(order.order_id);
    SetState(order.order_id, SagaState::kReleased);
    log::Info("reservation released", {{"order_id", order.order_id}, {"event_id", event.id}});
  }

  void SetState(std::int64_t order_id, SagaState state) {
    states_[order_id] = state;
    new_states_[order_id] = state;
  }

  // book.stock_changed carries the trace of the last event that moved the book.
  void Moved(std::int64_t book_id, const bus::Event& cause) {
    moved_books_.insert(book_id);
    traceparents_[book_id] = cause.traceparent;
  }

  void Emit(std::string type, boost::json::object data, const bus::Event& cause) {
    outgoing_.push_back(
        bus::MakeEvent(std::move(type), std::string(kSource), std::move(data), cause.traceparent));
  }

  db::Connection& c_;
  std::map<std::int64_t, std::optional<SagaState>> states_;
  std::map<std::int64_t, std::vector<repository::HeldItem>> held_;
  repository::LockedBooks books_;
  std::set<std::int64_t> moved_books_;
  std::map<std::int64_t, std::string> traceparents_;
  std::vector<repository::NewReservation> reservations_;
  std::vector<std::int64_t> released_;
  std::map<std::int64_t, SagaState> new_states_;
  std::vector<bus::Event> outgoing_;
};

}  // namespace

void HandleSagaEvents(std::span<const bus::Event> events, db::Connection& c) {
  const std::vector<Step> steps = ReadSteps(events);
  SagaBatch batch(c, steps);
  for (const Step& step : steps) {
    batch.Apply(step);
  }
  batch.Write();
}

}  // namespace bookstore::catalog::events
