#pragma once
// Counts the orders in each status on a thread of its own, every `interval`, and shows the counts on
// /metrics as orders_by_state{state} (a dashboard's view of the saga: orders piling up in pending mean
// catalog is not answering, in awaiting_payment that buyers do not pay). A gauge reads the last count,
// so a scrape never waits for the database; NaN until the first count succeeded. Every replica counts
// the same shared table: a dashboard takes max() over replicas.

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "bookstore/db/db.h"
#include "bookstore/http/metrics.h"

namespace bookstore::orders::jobs {

class OrderCensus {
 public:
  OrderCensus(db::Pool& pool, std::chrono::milliseconds interval);
  ~OrderCensus();  // stops and joins
  OrderCensus(const OrderCensus&) = delete;
  OrderCensus& operator=(const OrderCensus&) = delete;

  // One count now (tests); throws what the database throws.
  void CountOnce();

 private:
  static constexpr std::size_t kStatuses = 6;  // OrderStatus

  void Run(const std::stop_token& stop);

  db::Pool& pool_;
  std::chrono::milliseconds interval_;
  std::array<std::atomic<double>, kStatuses> counts_;
  std::vector<http::GaugeRegistration> gauges_;  // after what they read
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: started once everything it uses exists
};

}  // namespace bookstore::orders::jobs
