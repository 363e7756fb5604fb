#include "domain/order_state.h"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <utility>

namespace bookstore::orders {
namespace {

constexpr std::array kStatuses{OrderStatus::kPending, OrderStatus::kAwaitingPayment, OrderStatus::kPaid,
                               OrderStatus::kShipped, OrderStatus::kCancelled,       OrderStatus::kRejected};
constexpr std::array kTriggers{Trigger::kStockReserved,  Trigger::kStockRejected, Trigger::kPay,
                               Trigger::kAssignDelivery, Trigger::kCancel,        Trigger::kPaymentTimeout,
                               Trigger::kBookDeleted};

TEST(OrderStateTest, NamesRoundTrip) {
  for (OrderStatus status : kStatuses) {
    EXPECT_EQ(ParseStatus(StatusName(status)), status) << StatusName(status);
  }
  EXPECT_EQ(ParseStatus("awaiting_payment"), OrderStatus::kAwaitingPayment);
  EXPECT_FALSE(ParseStatus("PAID").has_value());
  EXPECT_FALSE(ParseStatus("").has_value());
}

TEST(OrderStateTest, OnlyReservedStatusesHoldStock) {
  EXPECT_FALSE(HoldsStock(OrderStatus::kPending));
  EXPECT_TRUE(HoldsStock(OrderStatus::kAwaitingPayment));
  EXPECT_TRUE(HoldsStock(OrderStatus::kPaid));
  EXPECT_TRUE(HoldsStock(OrderStatus::kShipped));
  EXPECT_FALSE(HoldsStock(OrderStatus::kCancelled));
  EXPECT_FALSE(HoldsStock(OrderStatus::kRejected));
}

struct Expected {
  OrderStatus from;
  Trigger trigger;
  Verdict verdict;
  OrderStatus next;
  Effect effect;
};

// Every (status, trigger) pair, spelled out: a change here is a change of the saga (domain/SAGA.md).
constexpr std::array<Expected, 42> kTable{{
    {OrderStatus::kPending, Trigger::kStockReserved, Verdict::kApply, OrderStatus::kAwaitingPayment,
     Effect::kNone},
    {OrderStatus::kPending, Trigger::kStockRejected, Verdict::kApply, OrderStatus::kRejected, Effect::kNone},
    {OrderStatus::kPending, Trigger::kPay, Verdict::kRefuse, OrderStatus::kPending, Effect::kNone},
    {OrderStatus::kPending, Trigger::kAssignDelivery, Verdict::kRefuse, OrderStatus::kPending, Effect::kNone},
    {OrderStatus::kPending, Trigger::kCancel, Verdict::kApply, OrderStatus::kCancelled,
     Effect::kEmitCancelled},
    {OrderStatus::kPending, Trigger::kPaymentTimeout, Verdict::kNoop, OrderStatus::kPending, Effect::kNone},
    {OrderStatus::kPending, Trigger::kBookDeleted, Verdict::kApply, OrderStatus::kCancelled,
     Effect::kEmitCancelled},

    {OrderStatus::kAwaitingPayment, Trigger::kStockReserved, Verdict::kNoop, OrderStatus::kAwaitingPayment,
     Effect::kNone},
    {OrderStatus::kAwaitingPayment, Trigger::kStockRejected, Verdict::kNoop, OrderStatus::kAwaitingPayment,
     Effect::kNone},
    {OrderStatus::kAwaitingPayment, Trigger::kPay, Verdict::kApply, OrderStatus::kPaid, Effect::kEmitPaid},
    {OrderStatus::kAwaitingPayment, Trigger::kAssignDelivery, Verdict::kRefuse, OrderStatus::kAwaitingPayment,
     Effect::kNone},
    {OrderStatus::kAwaitingPayment, Trigger::kCancel, Verdict::kApply, OrderStatus::kCancelled,
     Effect::kEmitCancelled},
    {OrderStatus::kAwaitingPayment, Trigger::kPaymentTimeout, Verdict::kApply, OrderStatus::kCancelled,
     Effect::kEmitCancelled},
    {OrderStatus::kAwaitingPayment, Trigger::kBookDeleted, Verdict::kApply, OrderStatus::kCancelled,
     Effect::kEmitCancelled},

    {OrderStatus::kPaid, Trigger::kStockReserved, Verdict::kNoop, OrderStatus::kPaid, Effect::kNone},
    {OrderStatus::kPaid, Trigger::kStockRejected, Verdict::kNoop, OrderStatus::kPaid, Effect::kNone},
    {OrderStatus::kPaid, Trigger::kPay, Verdict::kRefuse, OrderStatus::kPaid, Effect::kNone},
    {OrderStatus::kPaid, Trigger::kAssignDelivery, Verdict::kApply, OrderStatus::kShipped,
     Effect::kEmitDeliveryAssigned},
    {OrderStatus::kPaid, Trigger::kCancel, Verdict::kRefuse, OrderStatus::kPaid, Effect::kNone},
    {OrderStatus::kPaid, Trigger::kPaymentTimeout, Verdict::kNoop, OrderStatus::kPaid, Effect::kNone},
    {OrderStatus::kPaid, Trigger::kBookDeleted, Verdict::kNoop, OrderStatus::kPaid, Effect::kNone},

    {OrderStatus::kShipped, Trigger::kStockReserved, Verdict::kNoop, OrderStatus::kShipped, Effect::kNone},
    {OrderStatus::kShipped, Trigger::kStockRejected, Verdict::kNoop, OrderStatus::kShipped, Effect::kNone},
    {OrderStatus::kShipped, Trigger::kPay, Verdict::kRefuse, OrderStatus::kShipped, Effect::kNone},
    {OrderStatus::kShipped, Trigger::kAssignDelivery, Verdict::kRefuse, OrderStatus::kShipped, Effect::kNone},
    {OrderStatus::kShipped, Trigger::kCancel, Verdict::kRefuse, OrderStatus::kShipped, Effect::kNone},
    {OrderStatus::kShipped, Trigger::kPaymentTimeout, Verdict::kNoop, OrderStatus::kShipped, Effect::kNone},
    {OrderStatus::kShipped, Trigger::kBookDeleted, Verdict::kNoop, OrderStatus::kShipped, Effect::kNone},

    {OrderStatus::kCancelled, Trigger::kStockReserved, Verdict::kNoop, OrderStatus::kCancelled,
     Effect::kEmitCancelled},
    {OrderStatus::kCancelled, Trigger::kStockRejected, Verdict::kNoop, OrderStatus::kCancelled,
     Effect::kNone},
    {OrderStatus::kCancelled, Trigger::kPay, Verdict::kRefuse, OrderStatus::kCancelled, Effect::kNone},
    {OrderStatus::kCancelled, Trigger::kAssignDelivery, Verdict::kRefuse, OrderStatus::kCancelled,
     Effect::kNone},
    {OrderStatus::kCancelled, Trigger::kCancel, Verdict::kNoop, OrderStatus::kCancelled, Effect::kNone},
    {OrderStatus::kCancelled, Trigger::kPaymentTimeout, Verdict::kNoop, OrderStatus::kCancelled,
     Effect::kNone},
    {OrderStatus::kCancelled, Trigger::kBookDeleted, Verdict::kNoop, OrderStatus::kCancelled, Effect::kNone},

    {OrderStatus::kRejected, Trigger::kStockReserved, Verdict::kNoop, OrderStatus::kRejected, Effect::kNone},
    {OrderStatus::kRejected, Trigger::kStockRejected, Verdict::kNoop, OrderStatus::kRejected, Effect::kNone},
    {OrderStatus::kRejected, Trigger::kPay, Verdict::kRefuse, OrderStatus::kRejected, Effect::kNone},
    {OrderStatus::kRejected, Trigger::kAssignDelivery, Verdict::kRefuse, OrderStatus::kRejected,
     Effect::kNone},
    {OrderStatus::kRejected, Trigger::kCancel, Verdict::kRefuse, OrderStatus::kRejected, Effect::kNone},
    {OrderStatus::kRejected, Trigger::kPaymentTimeout, Verdict::kNoop, OrderStatus::kRejected, Effect::kNone},
    {OrderStatus::kRejected, Trigger::kBookDeleted, Verdict::kNoop, OrderStatus::kRejected, Effect::kNone},
}};

TEST(OrderStateTest, EveryTransitionIsAsSpecified) {
  std::set<std::pair<OrderStatus, Trigger>> pairs;
  for (const Expected& row : kTable) {
    pairs.emplace(row.from, row.trigger);
  }
  ASSERT_EQ(pairs.size(), kStatuses.size() * kTriggers.size()) << "the table must name every pair once";
  for (const Expected& row : kTable) {
    const Transition t = Decide(row.from, row.trigger);
    const std::string where =
        std::string(StatusName(row.from)) + " on trigger " + std::to_string(static_cast<int>(row.trigger));
    EXPECT_EQ(t.verdict, row.verdict) << where;
    EXPECT_EQ(t.next, row.next) << where;
    EXPECT_EQ(t.effect, row.effect) << where;
    EXPECT_EQ(t.verdict == Verdict::kRefuse, !t.refusal.empty())
        << where << ": a refusal says why, nothing else does";
  }
}

TEST(OrderStateTest, NothingButApplyChangesTheStatus) {
  for (OrderStatus status : kStatuses) {
    for (Trigger trigger : kTriggers) {
      const Transition t = Decide(status, trigger);
      if (t.verdict != Verdict::kApply) {
        EXPECT_EQ(t.next, status);
      }
    }
  }
}

TEST(OrderStateTest, FinalStatusesNeverMoveAgain) {
  for (OrderStatus final_status : {OrderStatus::kShipped, OrderStatus::kCancelled, OrderStatus::kRejected}) {
    for (Trigger trigger : kTriggers) {
      EXPECT_NE(Decide(final_status, trigger).verdict, Verdict::kApply) << StatusName(final_status);
    }
  }
}

TEST(OrderStateTest, OnlyAnOrderAwaitingPaymentCanBePaid) {
  for (OrderStatus status : kStatuses) {
    EXPECT_EQ(Decide(status, Trigger::kPay).verdict == Verdict::kApply,
              status == OrderStatus::kAwaitingPayment)
        << StatusName(status);
  }
}

}  // namespace
}  // namespace bookstore::orders
