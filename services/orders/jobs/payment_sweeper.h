#pragma once
// Cancels orders left awaiting payment past their payment_due_at (ORDER_PAYMENT_TIMEOUT after catalog
// reserved them), reason payment_timeout, so catalog puts their copies back. Runs on a thread of its own
// from construction to destruction, every `interval`. Replicas share the work safely: each round claims
// overdue orders with FOR UPDATE SKIP LOCKED and changes each with the conditional UPDATE of the state
// machine, so an order is cancelled once, and a payment racing the sweeper either wins (the order is
// paid, the sweeper's UPDATE matches nothing) or loses (409 to the payer).

#include <atomic>
#include <chrono>
#include <cstdint>

#include "bookstore/db/db.h"
#include "bookstore/jobs/periodic.h"

namespace bookstore::orders::jobs {

class PaymentSweeper {
 public:
  PaymentSweeper(db::Pool& pool, std::chrono::milliseconds interval);

  // One round now (tests): cancels every overdue order, in batches; returns how many it cancelled.
  std::int64_t SweepOnce();

  [[nodiscard]] std::uint64_t Cancelled() const noexcept { return cancelled_.load(); }

 private:
  db::Pool& pool_;
  std::atomic<std::uint64_t> cancelled_{0};
  bookstore::jobs::Periodic rounds_;  // last: started once everything it uses exists, stopped first
};

}  // namespace bookstore::orders::jobs
