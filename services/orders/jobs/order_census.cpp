#include "jobs/order_census.h"

#include <cmath>
#include <string>

#include "bookstore/log/log.h"
#include "domain/order_state.h"
#include "repository/orders_repository.h"

namespace bookstore::orders::jobs {

OrderCensus::OrderCensus(db::Pool& pool, std::chrono::milliseconds interval)
    : pool_(pool), interval_(interval) {
  for (std::size_t i = 0; i < kStatuses; ++i) {
    counts_.at(i) = std::nan("");
    gauges_.push_back(
        http::Metrics().AddGaugeFunction("orders_by_state", "Orders in each state, counted every few seconds",
                                         [this, i] { return counts_.at(i).load(); },
                                         {{"state", std::string(StatusName(static_cast<OrderStatus>(i)))}}));
  }
  thread_ = std::jthread([this](const std::stop_token& stop) { Run(stop); });
}

OrderCensus::~OrderCensus() {
  thread_.request_stop();
  wake_.notify_all();
}

void OrderCensus::CountOnce() {
  const auto counts = pool_.WithConnection(repository::CountOrdersByStatus);
  std::array<double, kStatuses> found{};
  for (const auto& [status, count] : counts) {
    found.at(static_cast<std::size_t>(status)) = static_cast<double>(count);
  }
  for (std::size_t i = 0; i < kStatuses; ++i) counts_.at(i) = found.at(i);
}

void OrderCensus::Run(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    try {
      CountOnce();
    } catch (const std::exception& e) {
      log::Debug("order census failed; counting again later", {{"error", e.what()}});
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, interval_, [] { return false; });
  }
}

}  // namespace bookstore::orders::jobs
