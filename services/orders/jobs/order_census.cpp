#include "jobs/order_census.h"

#include <string>

#include "domain/order_state.h"
#include "repository/orders_repository.h"

namespace bookstore::orders::jobs {

OrderCensus::OrderCensus(db::Pool& pool, std::chrono::milliseconds interval)
    : pool_(pool), rounds_("order census", interval, [this] { CountOnce(); }) {
  for (std::size_t i = 0; i < kStatuses; ++i) {
    gauges_.push_back(
        http::Metrics().AddGaugeFunction("orders_by_state", "Orders in each state, counted every few seconds",
                                         [this, i] { return counts_.at(i).load(); },
                                         {{"state", std::string(StatusName(static_cast<OrderStatus>(i)))}}));
  }
}

void OrderCensus::CountOnce() {
  const auto counts = pool_.WithConnection(repository::CountOrdersByStatus);
  std::array<double, kStatuses> found{};
  for (const auto& [status, count] : counts) {
    found.at(static_cast<std::size_t>(status)) = static_cast<double>(count);
  }
  for (std::size_t i = 0; i < kStatuses; ++i) counts_.at(i) = found.at(i);
}

}  // namespace bookstore::orders::jobs
