#pragma once
// The order.* events orders emits (docs/events.md), always through the outbox inside the transaction of
// the change they announce, and the one place where an order gets cancelled (by its owner or an admin,
// by the payment-timeout sweeper, or because one of its books was deleted).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/bus/event.h"
#include "bookstore/db/db.h"
#include "domain/order_request.h"
#include "domain/order_state.h"
#include "repository/orders_repository.h"

namespace bookstore::orders::events {

inline constexpr std::string_view kSource = "orders";

// order.placed, for the outbox (the placements of a batch go in with one bus::outbox::AddAll).
bus::Event PlacedEvent(std::int64_t order_id, std::int64_t user_id, const std::vector<RequestedItem>& items,
                       const std::string& traceparent);
void EmitCancelled(db::Connection& c, std::int64_t order_id, std::int64_t user_id, const std::string& reason,
                   const std::string& traceparent);
void EmitPaid(db::Connection& c, std::int64_t order_id, std::int64_t user_id, std::int64_t payment_id,
              std::int64_t amount_cents, const std::string& method, const std::string& traceparent);
void EmitDeliveryAssigned(db::Connection& c, std::int64_t order_id, std::int64_t user_id,
                          const std::string& provider, std::int64_t cost_cents,
                          const std::string& tracking_number, const std::string& traceparent);

// Cancels `order` (locked by the caller, its status as read under that lock) for `trigger` (kCancel,
// kPaymentTimeout or kBookDeleted) with `reason`, when the state machine allows it, writing
// order.cancelled; returns the state machine's verdict (kNoop for an order already cancelled, kRefuse
// once paid).
Transition CancelOrder(db::Connection& c, const repository::OrderRef& order, Trigger trigger,
                       const std::string& reason, const std::string& traceparent);

}  // namespace bookstore::orders::events
