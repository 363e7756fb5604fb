#pragma once
// Cancels orders left awaiting payment past their payment_due_at (ORDER_PAYMENT_TIMEOUT after catalog
// reserved them), reason payment_timeout, so catalog puts their copies back. Runs on a thread of its own
// from construction to destruction, every `interval`. Replicas share the work safely: each round claims
// overdue orders with FOR UPDATE SKIP LOCKED and changes each with the conditional UPDATE of the state
// machine, so an order is cancelled once, and a payment racing the sweeper either wins (the order is
// paid, the sweeper's UPDATE matches nothing) or loses (409 to the payer).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <thread>

#include "bookstore/bus/outbox.h"
#include "bookstore/db/db.h"

namespace bookstore::orders::jobs {

class PaymentSweeper {
 public:
  PaymentSweeper(db::Pool& pool, bus::Relay& relay, std::chrono::milliseconds interval);
  ~PaymentSweeper();  // stops and joins
  PaymentSweeper(const PaymentSweeper&) = delete;
  PaymentSweeper& operator=(const PaymentSweeper&) = delete;

  // One round now (tests): cancels every overdue order, in batches; returns how many it cancelled.
  std::int64_t SweepOnce();

  [[nodiscard]] std::uint64_t Cancelled() const noexcept { return cancelled_.load(); }

 private:
  void Run(const std::stop_token& stop);

  db::Pool& pool_;
  bus::Relay& relay_;
  std::chrono::milliseconds interval_;
  std::atomic<std::uint64_t> cancelled_{0};
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: started once everything it uses exists
};

}  // namespace bookstore::orders::jobs
