#include "domain/order_state.h"

#include <array>
#include <utility>

namespace bookstore::orders {
namespace {

constexpr std::array<std::pair<OrderStatus, std::string_view>, 6> kNames{{
    {OrderStatus::kPending, "pending"},
    {OrderStatus::kAwaitingPayment, "awaiting_payment"},
    {OrderStatus::kPaid, "paid"},
    {OrderStatus::kShipped, "shipped"},
    {OrderStatus::kCancelled, "cancelled"},
    {OrderStatus::kRejected, "rejected"},
}};

Transition Apply(OrderStatus next, Effect effect = Effect::kNone) {
  return Transition{Verdict::kApply, next, effect, {}};
}
Transition Noop(OrderStatus current, Effect effect = Effect::kNone) {
  return Transition{Verdict::kNoop, current, effect, {}};
}
Transition Refuse(OrderStatus current, std::string_view why) {
  return Transition{Verdict::kRefuse, current, Effect::kNone, why};
}

Transition FromPending(Trigger trigger) {
  constexpr auto kSelf = OrderStatus::kPending;
  switch (trigger) {
    case Trigger::kStockReserved:
      return Apply(OrderStatus::kAwaitingPayment);
    case Trigger::kStockRejected:
      return Apply(OrderStatus::kRejected);
    case Trigger::kPay:
      return Refuse(kSelf, "the order is still waiting for its stock to be confirmed");
    case Trigger::kAssignDelivery:
      return Refuse(kSelf, "the order is not paid");
    // Catalog may not have seen order.placed yet: its saga row makes the later order.placed reserve
    // nothing, and if it already reserved, this releases it.
    case Trigger::kCancel:
      return Apply(OrderStatus::kCancelled, Effect::kEmitCancelled);
    // The payment clock starts when the order is reserved; a pending order waits for catalog.
    case Trigger::kPaymentTimeout:
      return Noop(kSelf);
    case Trigger::kBookDeleted:
      return Apply(OrderStatus::kCancelled, Effect::kEmitCancelled);
  }
  return Noop(kSelf);
}

Transition FromAwaitingPayment(Trigger trigger) {
  constexpr auto kSelf = OrderStatus::kAwaitingPayment;
  switch (trigger) {
    // A second reservation for the same order changes nothing; a rejection after the reservation
    // cannot happen (catalog answers each order once).
    case Trigger::kStockReserved:
    case Trigger::kStockRejected:
      return Noop(kSelf);
    case Trigger::kPay:
      return Apply(OrderStatus::kPaid, Effect::kEmitPaid);
    case Trigger::kAssignDelivery:
      return Refuse(kSelf, "the order is not paid");
    case Trigger::kCancel:
    case Trigger::kPaymentTimeout:
    case Trigger::kBookDeleted:
      return Apply(OrderStatus::kCancelled, Effect::kEmitCancelled);
  }
  return Noop(kSelf);
}

Transition FromPaid(Trigger trigger) {
  constexpr auto kSelf = OrderStatus::kPaid;
  switch (trigger) {
    case Trigger::kPay:
      return Refuse(kSelf, "the order is already paid");
    case Trigger::kAssignDelivery:
      return Apply(OrderStatus::kShipped, Effect::kEmitDeliveryAssigned);
    case Trigger::kCancel:
      return Refuse(kSelf, "the order is already paid");
    // A paid order keeps its copies, even when the book is withdrawn afterwards.
    case Trigger::kStockReserved:
    case Trigger::kStockRejected:
    case Trigger::kPaymentTimeout:
    case Trigger::kBookDeleted:
      return Noop(kSelf);
  }
  return Noop(kSelf);
}

Transition FromShipped(Trigger trigger) {
  constexpr auto kSelf = OrderStatus::kShipped;
  switch (trigger) {
    case Trigger::kPay:
      return Refuse(kSelf, "the order is already paid");
    case Trigger::kAssignDelivery:
    case Trigger::kCancel:
      return Refuse(kSelf, "the order is already shipped");
    case Trigger::kStockReserved:
    case Trigger::kStockRejected:
    case Trigger::kPaymentTimeout:
    case Trigger::kBookDeleted:
      return Noop(kSelf);
  }
  return Noop(kSelf);
}

Transition FromCancelled(Trigger trigger) {
  constexpr auto kSelf = OrderStatus::kCancelled;
  switch (trigger) {
    // Cancelled while pending, and catalog reserved anyway (it handled order.placed before our
    // order.cancelled): announce the cancellation again. Catalog releases at most once per order, so
    // whichever order.cancelled it handles after the reservation gives the stock back, the other nothing.
    case Trigger::kStockReserved:
      return Noop(kSelf, Effect::kEmitCancelled);
    case Trigger::kPay:
      return Refuse(kSelf, "the order is cancelled");
    case Trigger::kAssignDelivery:
      return Refuse(kSelf, "the order is not paid");
    // A rejection: nothing was reserved, nothing to give back. Cancel: idempotent, 200 again and no
    // second order.cancelled.
    case Trigger::kStockRejected:
    case Trigger::kCancel:
    case Trigger::kPaymentTimeout:
    case Trigger::kBookDeleted:
      return Noop(kSelf);
  }
  return Noop(kSelf);
}

Transition FromRejected(Trigger trigger) {
  constexpr auto kSelf = OrderStatus::kRejected;
  switch (trigger) {
    case Trigger::kPay:
      return Refuse(kSelf, "the order was rejected");
    case Trigger::kAssignDelivery:
      return Refuse(kSelf, "the order is not paid");
    case Trigger::kCancel:
      return Refuse(kSelf, "the order was rejected; there is nothing to cancel");
    // A reservation after a rejection cannot happen (catalog answers each order once); it is logged.
    case Trigger::kStockReserved:
    case Trigger::kStockRejected:
    case Trigger::kPaymentTimeout:
    case Trigger::kBookDeleted:
      return Noop(kSelf);
  }
  return Noop(kSelf);
}

}  // namespace

std::string_view StatusName(OrderStatus status) {
  for (const auto& [value, name] : kNames) {
    if (value == status) {
      return name;
    }
  }
  return "unknown";
}

std::optional<OrderStatus> ParseStatus(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) {
      return value;
    }
  }
  return std::nullopt;
}

bool HoldsStock(OrderStatus status) {
  return status == OrderStatus::kAwaitingPayment || status == OrderStatus::kPaid ||
         status == OrderStatus::kShipped;
}

Transition Decide(OrderStatus current, Trigger trigger) {
  switch (current) {
    case OrderStatus::kPending:
      return FromPending(trigger);
    case OrderStatus::kAwaitingPayment:
      return FromAwaitingPayment(trigger);
    case OrderStatus::kPaid:
      return FromPaid(trigger);
    case OrderStatus::kShipped:
      return FromShipped(trigger);
    case OrderStatus::kCancelled:
      return FromCancelled(trigger);
    case OrderStatus::kRejected:
      return FromRejected(trigger);
  }
  return Noop(current);
}

}  // namespace bookstore::orders
