#pragma once
// The life of an order (docs/design.md §4) as a pure state machine. Every change of an order's status,
// whether it comes from a request (pay, deliver, cancel), an event (order.stock_reserved /
// order.stock_rejected, book.deleted) or the payment-timeout sweeper, asks Decide() first and then writes the
// result with a conditional UPDATE (... WHERE status = <the status Decide saw>), under the order's row lock,
// so two racing triggers (pay vs cancel, pay vs timeout, cancel vs reservation) can never both win.
//
//              order.stock_reserved              pay                   delivery
//   pending ─────────────────────────▶ awaiting_payment ───────▶ paid ───────────▶ shipped
//      │  │ order.stock_rejected            │
//      │  └──────────────────▶ rejected     │ cancel (owner/admin), payment timeout, book deleted
//      │ cancel, book deleted               ▼
//      └──────────────────────────────▶ cancelled ◀── a late order.stock_reserved re-emits order.cancelled
//
// Why each interleaving ends with the stock held exactly by the orders that still need it is worked
// through in domain/SAGA.md and checked exhaustively by tests/saga_model_test.cpp.

#include <optional>
#include <string_view>

namespace bookstore::orders {

enum class OrderStatus { kPending, kAwaitingPayment, kPaid, kShipped, kCancelled, kRejected };

// "pending", "awaiting_payment", "paid", "shipped", "cancelled", "rejected" (the API and the database).
std::string_view StatusName(OrderStatus status);
std::optional<OrderStatus> ParseStatus(std::string_view name);

// Whether catalog should be holding the order's copies once everything has settled.
bool HoldsStock(OrderStatus status);

enum class Trigger {
  kStockReserved,   // catalog's order.stock_reserved arrived
  kStockRejected,   // catalog's order.stock_rejected arrived
  kPay,             // POST /orders/{id}/pay (with an approved payment)
  kAssignDelivery,  // POST /orders/{id}/delivery
  kCancel,          // POST /orders/{id}/cancel by the owner or an admin
  kPaymentTimeout,  // the sweeper found it unpaid past ORDER_PAYMENT_TIMEOUT
  kBookDeleted,     // book.deleted for one of its books
};

enum class Verdict {
  kApply,   // the status becomes `next`
  kNoop,    // nothing changes (a duplicate, a late or irrelevant trigger); for a request: answer as usual
  kRefuse,  // a request that is not allowed now: 409 with `refusal`
};

// The event the trigger's transaction writes to the outbox.
enum class Effect {
  kNone,
  kEmitCancelled,         // order.cancelled: catalog gives the stock back (idempotent per order there)
  kEmitPaid,              // order.paid
  kEmitDeliveryAssigned,  // order.delivery_assigned
};

struct Transition {
  Verdict verdict = Verdict::kNoop;
  OrderStatus next = OrderStatus::kPending;  // the status after the trigger (== current unless kApply)
  Effect effect = Effect::kNone;
  std::string_view refusal;  // kRefuse: why, for the problem's detail
};

Transition Decide(OrderStatus current, Trigger trigger);

}  // namespace bookstore::orders
