#pragma once
// Counts the orders in each status on a thread of its own, every `interval`, and shows the counts on
// /metrics as orders_by_state{state} (a dashboard's view of the saga: orders piling up in pending mean
// catalog is not answering, in awaiting_payment that buyers do not pay). A gauge reads the last count,
// so a scrape never waits for the database; NaN until the first count succeeded. Every replica counts
// the same shared table: a dashboard takes max() over replicas.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <limits>
#include <vector>

#include "bookstore/db/db.h"
#include "bookstore/http/metrics.h"
#include "bookstore/jobs/periodic.h"

namespace bookstore::orders::jobs {

class OrderCensus {
 public:
  OrderCensus(db::Pool& pool, std::chrono::milliseconds interval);

  // One count now (tests); throws what the database throws.
  void CountOnce();

 private:
  static constexpr std::size_t kStatuses = 6;  // OrderStatus
  static constexpr double kNotCounted = std::numeric_limits<double>::quiet_NaN();

  db::Pool& pool_;
  std::array<std::atomic<double>, kStatuses> counts_{
      {kNotCounted, kNotCounted, kNotCounted, kNotCounted, kNotCounted, kNotCounted}};
  std::vector<http::GaugeRegistration> gauges_;  // after what they read
  bookstore::jobs::Periodic rounds_;             // last: started once everything it uses exists
};

}  // namespace bookstore::orders::jobs
