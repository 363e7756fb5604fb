#pragma once
// Wakes a POST /orders request waiting for its order's outcome as soon as the consumer of this replica
// has handled the order's order.stock_reserved / order.stock_rejected, without a thread per waiting
// request: each waiter is a timer on its request's event loop, and Notify cancels it from the consumer's
// thread. When another replica consumed the answer nobody notifies; the waiter's own timeout (a DB poll
// with backoff, handlers/orders.cpp) catches it then.
//
// The consumer calls Notify once its transaction has committed (db::Connection::AfterCommit), so the
// woken request reads the answer with a plain read, never the order half-done. The consumer may hand the
// order over as its transaction left it (read by one statement for its whole batch, before the commit):
// the request then answers with it and reads nothing.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "bookstore/http/message.h"
#include "domain/order.h"

namespace bookstore::orders::events {

class OutcomeNotifier {
 public:
  struct Waiter;  // defined in outcome_notifier.cpp

  // Interest in one order from one request; unregisters on destruction. Use on the coroutine that
  // subscribed only.
  class Subscription {
   public:
    Subscription(OutcomeNotifier& notifier, std::int64_t order_id, std::shared_ptr<Waiter> waiter);
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // Waits until Notify for the order (true; also when it came before this call, since the last Wait)
    // or until `timeout` passes (false).
    http::Awaitable<bool> Wait(std::chrono::milliseconds timeout);

    // The order the last Notify handed over, if it did (null otherwise); taken once.
    std::shared_ptr<const Order> TakeOrder();

   private:
    OutcomeNotifier& notifier_;
    std::int64_t order_id_;
    std::shared_ptr<Waiter> waiter_;
  };

  OutcomeNotifier() = default;
  OutcomeNotifier(const OutcomeNotifier&) = delete;
  OutcomeNotifier& operator=(const OutcomeNotifier&) = delete;

  // Registers the calling coroutine (its executor) for `order_id`.
  http::Awaitable<std::unique_ptr<Subscription>> Subscribe(std::int64_t order_id);

  // Wakes every waiter of `order_id`, handing over `order` when given. Thread-safe, never blocks on a
  // waiter; no-op without one.
  void Notify(std::int64_t order_id, const std::shared_ptr<const Order>& order = nullptr);

  // Whether a request of this process waits for `order_id` now.
  [[nodiscard]] bool Awaited(std::int64_t order_id) const;

  // Waiters registered now (tests, metrics).
  [[nodiscard]] std::size_t WaiterCount() const;

 private:
  void Remove(std::int64_t order_id, const Waiter* waiter);

  mutable std::mutex mutex_;
  std::unordered_multimap<std::int64_t, std::shared_ptr<Waiter>> waiters_;
};

}  // namespace bookstore::orders::events
