#include "events/order_events.h"

#include <stdexcept>

#include "bookstore/bus/event.h"
#include "bookstore/bus/outbox.h"
#include "bookstore/log/log.h"
#include "domain/event_data.h"

namespace bookstore::orders::events {
namespace {

void Emit(db::Connection& c, std::string type, boost::json::object data, const std::string& traceparent) {
  bus::outbox::Add(c, bus::MakeEvent(std::move(type), std::string(kSource), std::move(data), traceparent));
}

}  // namespace

bus::Event PlacedEvent(std::int64_t order_id, std::int64_t user_id, const std::vector<RequestedItem>& items,
                       const std::string& traceparent) {
  return bus::MakeEvent("order.placed", std::string(kSource), OrderPlacedData(order_id, user_id, items),
                        traceparent);
}

void EmitCancelled(db::Connection& c, std::int64_t order_id, std::int64_t user_id, const std::string& reason,
                   const std::string& traceparent) {
  Emit(c, "order.cancelled", OrderCancelledData(order_id, user_id, reason), traceparent);
}

void EmitPaid(db::Connection& c, std::int64_t order_id, std::int64_t user_id, std::int64_t payment_id,
              std::int64_t amount_cents, const std::string& method, const std::string& traceparent) {
  Emit(c, "order.paid", OrderPaidData(order_id, user_id, payment_id, amount_cents, method), traceparent);
}

void EmitDeliveryAssigned(db::Connection& c, std::int64_t order_id, std::int64_t user_id,
                          const std::string& provider, std::int64_t cost_cents,
                          const std::string& tracking_number, const std::string& traceparent) {
  Emit(c, "order.delivery_assigned",
       DeliveryAssignedData(order_id, user_id, provider, cost_cents, tracking_number), traceparent);
}

Transition CancelOrder(db::Connection& c, const repository::OrderRef& order, Trigger trigger,
                       const std::string& reason, const std::string& traceparent) {
  const Transition transition = Decide(order.status, trigger);
  if (transition.verdict != Verdict::kApply) {
    return transition;
  }
  // The caller holds the row lock, so the status cannot have moved since it was read.
  if (!repository::ChangeStatus(c, order.id, order.status, transition.next, reason)) {
    throw std::logic_error("order " + std::to_string(order.id) + " changed under its row lock");
  }
  if (transition.effect == Effect::kEmitCancelled) {
    EmitCancelled(c, order.id, order.user_id, reason, traceparent);
  }
  log::Info("order cancelled",
            {{"order_id", order.id}, {"from", StatusName(order.status)}, {"reason", reason}});
  return transition;
}

}  // namespace bookstore::orders::events
