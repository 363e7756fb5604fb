// Exhaustive check of the saga (domain/SAGA.md): one order, orders' state machine (Decide) and a model
// of catalog's side as services/catalog/events/saga_events.cpp implements it (one saga row per order;
// order.placed reserves all or nothing once; order.cancelled releases once, and one handled before
// order.placed makes that reserve nothing). Messages between the two are delivered in every possible
// order (the queues have several consumers each, so publish order is not delivery order), and the
// requests and background triggers (cancel, a second cancel, pay, delivery, the payment timeout, the
// book's deletion) happen at every possible moment, or not at all.
//
// At quiescence (no message in flight, every chosen trigger happened) it must hold that:
//   - catalog holds the copies exactly when the order's status says it should (HoldsStock);
//   - catalog gave the copies back at most once, and never held them twice;
//   - no order is left pending (catalog always answers, or the order was cancelled first);
//   - a paid or shipped order holds its copies.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "domain/order_state.h"

namespace bookstore::orders {
namespace {

enum class Message { kPlaced, kCancelled, kStockReserved, kStockRejected, kBookDeleted };
enum class Action { kCancel, kCancelAgain, kPay, kDeliver, kPaymentTimeout, kDeleteBook };

enum class CatalogSaga { kNone, kReserved, kRejected, kReleased, kCancelledFirst };

struct World {
  OrderStatus status = OrderStatus::kPending;
  // catalog
  CatalogSaga saga = CatalogSaga::kNone;
  bool enough_stock = true;
  bool book_deleted_in_catalog = false;
  int holds = 0;     // copies held for the order (0 or 1 reservation)
  int releases = 0;  // times catalog gave them back
  // in flight
  std::vector<Message> to_catalog{Message::kPlaced};
  std::vector<Message> to_orders;
  std::vector<Action> actions;  // still to happen
  std::string trace;
};

// orders applying a trigger; the emitted order.cancelled goes to catalog.
void OrdersHandle(World& w, Trigger trigger) {
  const Transition t = Decide(w.status, trigger);
  if (t.verdict == Verdict::kApply) {
    w.status = t.next;
  }
  if (t.effect == Effect::kEmitCancelled) {
    w.to_catalog.push_back(Message::kCancelled);
  }
}

void CatalogHandle(World& w, Message message) {
  if (message == Message::kPlaced) {
    if (w.saga != CatalogSaga::kNone) {
      return;  // handled (or cancelled) before: nothing
    }
    if (w.enough_stock && !w.book_deleted_in_catalog) {
      w.saga = CatalogSaga::kReserved;
      ++w.holds;
      w.to_orders.push_back(Message::kStockReserved);
    } else {
      w.saga = CatalogSaga::kRejected;
      w.to_orders.push_back(Message::kStockRejected);
    }
  } else if (message == Message::kCancelled) {
    if (w.saga == CatalogSaga::kNone) {
      w.saga = CatalogSaga::kCancelledFirst;
    } else if (w.saga == CatalogSaga::kReserved) {
      w.saga = CatalogSaga::kReleased;
      --w.holds;
      ++w.releases;
    }
  }
}

void OrdersReceive(World& w, Message message) {
  switch (message) {
    case Message::kStockReserved:
      OrdersHandle(w, Trigger::kStockReserved);
      break;
    case Message::kStockRejected:
      OrdersHandle(w, Trigger::kStockRejected);
      break;
    case Message::kBookDeleted:
      OrdersHandle(w, Trigger::kBookDeleted);
      break;
    default:
      break;
  }
}

void Perform(World& w, Action action) {
  switch (action) {
    case Action::kCancel:
    case Action::kCancelAgain:
      OrdersHandle(w, Trigger::kCancel);
      break;
    case Action::kPay:
      OrdersHandle(w, Trigger::kPay);
      break;
    case Action::kDeliver:
      OrdersHandle(w, Trigger::kAssignDelivery);
      break;
    // The sweeper only picks orders awaiting payment; Decide refuses the others anyway.
    case Action::kPaymentTimeout:
      OrdersHandle(w, Trigger::kPaymentTimeout);
      break;
    case Action::kDeleteBook:
      // Catalog deletes the book (a later order.placed finds it gone) and announces it to orders.
      w.book_deleted_in_catalog = true;
      w.to_orders.push_back(Message::kBookDeleted);
      break;
  }
}

struct Stats {
  std::int64_t terminal_states = 0;
  std::int64_t visited = 0;
  std::set<std::string> seen;  // states already explored (the trace aside): the same future follows
  std::vector<std::string> failures;
};

// The state without its trace; messages in flight are a multiset.
std::string Key(const World& w) {
  auto to_catalog = w.to_catalog;
  auto to_orders = w.to_orders;
  std::sort(to_catalog.begin(), to_catalog.end());
  std::sort(to_orders.begin(), to_orders.end());
  std::string key;
  for (int value : {static_cast<int>(w.status), static_cast<int>(w.saga), static_cast<int>(w.enough_stock),
                    static_cast<int>(w.book_deleted_in_catalog), w.holds, w.releases}) {
    key += std::to_string(value) + ",";
  }
  key += "|";
  for (Message m : to_catalog) {
    key += std::to_string(static_cast<int>(m));
  }
  key += "|";
  for (Message m : to_orders) {
    key += std::to_string(static_cast<int>(m));
  }
  key += "|";
  for (Action a : w.actions) {
    key += std::to_string(static_cast<int>(a));
  }
  return key;
}

void CheckQuiescent(const World& w, Stats& stats) {
  ++stats.terminal_states;
  std::string problem;
  if (w.holds != (HoldsStock(w.status) ? 1 : 0)) {
    problem += " holds=" + std::to_string(w.holds);
  }
  if (w.holds < 0 || w.holds > 1) {
    problem += " holds out of range";
  }
  if (w.releases > 1) {
    problem += " released " + std::to_string(w.releases) + " times";
  }
  if (w.status == OrderStatus::kPending) {
    problem += " left pending";
  }
  if (!problem.empty() && stats.failures.size() < 20) {
    stats.failures.push_back(std::string(StatusName(w.status)) + ":" + problem + " after" + w.trace);
  }
}

void Explore(const World& w, Stats& stats) {
  if (!stats.seen.insert(Key(w)).second) {
    return;
  }
  ++stats.visited;
  if (w.to_catalog.empty() && w.to_orders.empty() && w.actions.empty()) {
    CheckQuiescent(w, stats);
    return;
  }
  for (std::size_t i = 0; i < w.to_catalog.size(); ++i) {
    World next = w;
    const Message m = next.to_catalog[i];
    next.to_catalog.erase(next.to_catalog.begin() + static_cast<std::ptrdiff_t>(i));
    next.trace += m == Message::kPlaced ? " catalog:placed" : " catalog:cancelled";
    CatalogHandle(next, m);
    Explore(next, stats);
  }
  for (std::size_t i = 0; i < w.to_orders.size(); ++i) {
    World next = w;
    const Message m = next.to_orders[i];
    next.to_orders.erase(next.to_orders.begin() + static_cast<std::ptrdiff_t>(i));
    next.trace += m == Message::kStockReserved   ? " orders:reserved"
                  : m == Message::kStockRejected ? " orders:rejected"
                                                 : " orders:book_deleted";
    OrdersReceive(next, m);
    Explore(next, stats);
  }
  // The actions happen in the order listed (a second cancel after the first, delivery after payment);
  // their moment relative to the messages is what varies.
  if (!w.actions.empty()) {
    World next = w;
    const Action a = next.actions.front();
    next.actions.erase(next.actions.begin());
    next.trace += " action:" + std::to_string(static_cast<int>(a));
    Perform(next, a);
    Explore(next, stats);
  }
}

// Every subset of the triggers, in each order that makes sense, with enough stock or not.
std::vector<std::vector<Action>> Scenarios() {
  const std::vector<Action> all{Action::kCancel,  Action::kCancelAgain,    Action::kPay,
                                Action::kDeliver, Action::kPaymentTimeout, Action::kDeleteBook};
  std::vector<std::vector<Action>> scenarios;
  for (unsigned mask = 0; mask < (1U << all.size()); ++mask) {
    std::vector<Action> chosen;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if ((mask & (1U << i)) != 0U) {
        chosen.push_back(all[i]);
      }
    }
    if (std::find(chosen.begin(), chosen.end(), Action::kCancelAgain) != chosen.end() &&
        std::find(chosen.begin(), chosen.end(), Action::kCancel) == chosen.end()) {
      continue;  // a second cancel only after a first
    }
    std::sort(chosen.begin(), chosen.end());
    do {
      const auto first = std::find(chosen.begin(), chosen.end(), Action::kCancel);
      const auto again = std::find(chosen.begin(), chosen.end(), Action::kCancelAgain);
      if (again != chosen.end() && again < first) {
        continue;
      }
      scenarios.push_back(chosen);
    } while (std::next_permutation(chosen.begin(), chosen.end()));
  }
  return scenarios;
}

TEST(SagaModelTest, EveryInterleavingSettlesWithTheStockWhereItBelongs) {
  Stats stats;
  for (bool enough_stock : {true, false}) {
    for (const auto& actions : Scenarios()) {
      World start;
      start.enough_stock = enough_stock;
      start.actions = actions;
      Explore(start, stats);
    }
  }
  // Distinct states, the trace aside (memoised): every status is reached at quiescence, through thousands
  // of intermediate states.
  EXPECT_GE(stats.terminal_states, 12) << "distinct outcomes";
  EXPECT_GT(stats.visited, 5000) << "distinct states explored";
  std::cout << "saga model: " << stats.visited << " states, " << stats.terminal_states
            << " distinct outcomes\n";
  for (const std::string& failure : stats.failures) {
    ADD_FAILURE() << failure;
  }
}

TEST(SagaModelTest, CancelledWhilePendingAndReservedLateIsReleasedOnce) {
  // Cancelled while pending, and catalog handled order.placed before orders' order.cancelled: the
  // reservation reaches orders late, orders announces the cancellation again, and of the two
  // order.cancelled catalog then handles, the first releases and the second finds nothing to release.
  World w;
  Perform(w, Action::kCancel);                // pending -> cancelled, order.cancelled #1 in flight
  CatalogHandle(w, Message::kPlaced);         // catalog reserves (it had not seen #1)
  w.to_catalog.erase(w.to_catalog.begin());   // (placed consumed)
  OrdersReceive(w, Message::kStockReserved);  // late reservation: order.cancelled #2
  ASSERT_EQ(w.to_catalog.size(), 2U);
  CatalogHandle(w, Message::kCancelled);
  CatalogHandle(w, Message::kCancelled);
  EXPECT_EQ(w.status, OrderStatus::kCancelled);
  EXPECT_EQ(w.holds, 0);
  EXPECT_EQ(w.releases, 1);
}

}  // namespace
}  // namespace bookstore::orders
