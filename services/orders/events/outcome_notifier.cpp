#include "events/outcome_notifier.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <vector>

namespace bookstore::orders::events {

namespace asio = boost::asio;

// Touched only on its request's executor (Notify posts there), so it needs no lock of its own.
struct OutcomeNotifier::Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;
  bool notified = false;
  std::shared_ptr<const Order> order;  // what the last notification handed over
};

OutcomeNotifier::Subscription::Subscription(OutcomeNotifier& notifier, std::int64_t order_id,
                                            std::shared_ptr<Waiter> waiter)
    : notifier_(notifier), order_id_(order_id), waiter_(std::move(waiter)) {}

OutcomeNotifier::Subscription::~Subscription() { notifier_.Remove(order_id_, waiter_.get()); }

http::Awaitable<bool> OutcomeNotifier::Subscription::Wait(std::chrono::milliseconds timeout) {
  if (!waiter_->notified) {
    waiter_->timer.expires_after(timeout);
    // Cancelled by Notify (operation_aborted) or expired: either way the flag tells which.
    co_await waiter_->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return std::exchange(waiter_->notified, false);
}

std::shared_ptr<const Order> OutcomeNotifier::Subscription::TakeOrder() { return std::move(waiter_->order); }

http::Awaitable<std::unique_ptr<OutcomeNotifier::Subscription>> OutcomeNotifier::Subscribe(
    std::int64_t order_id) {
  auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  {
    std::lock_guard lock(mutex_);
    waiters_.emplace(order_id, waiter);
  }
  co_return std::make_unique<Subscription>(*this, order_id, std::move(waiter));
}

void OutcomeNotifier::Notify(std::int64_t order_id, const std::shared_ptr<const Order>& order) {
  std::vector<std::shared_ptr<Waiter>> woken;
  {
    std::lock_guard lock(mutex_);
    auto [first, last] = waiters_.equal_range(order_id);
    for (auto it = first; it != last; ++it) {
      woken.push_back(it->second);
    }
  }
  for (auto& waiter : woken) {
    // The shared_ptr keeps the waiter alive until the posted step ran, even if its request ended.
    asio::post(waiter->timer.get_executor(), [waiter, order] {
      waiter->notified = true;
      waiter->order = order;
      waiter->timer.cancel();
    });
  }
}

bool OutcomeNotifier::Awaited(std::int64_t order_id) const {
  std::lock_guard lock(mutex_);
  return waiters_.contains(order_id);
}

std::size_t OutcomeNotifier::WaiterCount() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

void OutcomeNotifier::Remove(std::int64_t order_id, const Waiter* waiter) {
  std::lock_guard lock(mutex_);
  auto [first, last] = waiters_.equal_range(order_id);
  for (auto it = first; it != last; ++it) {
    if (it->second.get() == waiter) {
      waiters_.erase(it);
      return;
    }
  }
}

}  // namespace bookstore::orders::events
