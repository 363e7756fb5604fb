#include "jobs/payment_sweeper.h"

#include "bookstore/log/log.h"
#include "events/order_events.h"
#include "repository/orders_repository.h"

namespace bookstore::orders::jobs {
namespace {

constexpr std::int64_t kBatch = 100;

}  // namespace

PaymentSweeper::PaymentSweeper(db::Pool& pool, std::chrono::milliseconds interval)
    : pool_(pool), rounds_("payment sweeper", interval, [this] { SweepOnce(); }) {}

std::int64_t PaymentSweeper::SweepOnce() {
  std::int64_t total = 0;
  while (true) {
    const auto claimed = pool_.WithTransaction([&](db::Connection& c) {
      const auto overdue = repository::LockOverdueOrders(c, kBatch);
      for (const repository::OrderRef& order : overdue) {
        events::CancelOrder(c, order, Trigger::kPaymentTimeout, "payment_timeout", {});
      }
      return static_cast<std::int64_t>(overdue.size());
    });
    if (claimed == 0) {
      break;
    }
    total += claimed;
    cancelled_ += static_cast<std::uint64_t>(claimed);
    if (claimed < kBatch) {
      break;
    }
  }
  if (total > 0) {
    log::Info("cancelled orders left unpaid", {{"count", total}});
  }
  return total;
}

}  // namespace bookstore::orders::jobs
