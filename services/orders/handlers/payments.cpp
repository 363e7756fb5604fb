// POST /orders/{id}/pay (the buyer only): {"method": "credit_card" | "paypal" | "bank_transfer"}; the
// amount is always the order's total. To make the simulated provider decline, add
// "simulate": "decline" to the body: the answer is 402 with the declined payment in "payment", and the
// order stays awaiting_payment (pay again, with another Idempotency-Key or none).
//
// Idempotency-Key (optional): the same key on the same order returns the same payment (200, or 402 for a
// declined one; header Idempotent-Replayed: true) and never charges twice; the same key with another
// method is 422. Without a key, paying an order that is no longer awaiting payment is 409.
//
// The charge happens inside the transaction holding the order's row lock and the order moves to paid
// with a conditional UPDATE, so a payment racing a cancellation or the timeout sweeper either wins
// (order.paid) or gets 409; the database allows at most one completed payment per order anyway.

#include <stdexcept>

#include "bookstore/http/error.h"
#include "bookstore/log/log.h"
#include "domain/order.h"
#include "domain/order_request.h"
#include "events/order_events.h"
#include "handlers/common.h"
#include "handlers/routes.h"
#include "repository/orders_repository.h"
#include "repository/payments_repository.h"

namespace bookstore::orders::handlers {
namespace {

namespace json = boost::json;

constexpr std::string_view kCompleted = "completed";
constexpr std::string_view kDeclined = "declined";

struct PayOutcome {
  Payment payment;
  bool replayed = false;
};

class PaymentRoutes {
 public:
  explicit PaymentRoutes(const Deps& deps) : deps_(deps) {}

  http::Awaitable<http::Response> Pay(http::Context& ctx) {
    const std::int64_t id = ctx.IdParam("id");
    const authn::Identity caller = co_await deps_.authenticator.RequireUser(ctx);
    const PayRequest request = ParsePayRequest(http::ParseJsonObject(ctx.request()));
    const auto key = ParseIdempotencyKey(OptionalHeader(ctx, "Idempotency-Key"));
    const std::string traceparent = http::TraceparentOf(ctx);
    const PayOutcome outcome = co_await deps_.pool.Transact(
        [&](db::Connection& c) { return PayInTransaction(c, id, caller, request, key, traceparent); });
    const bool completed = outcome.payment.status == kCompleted;
    http::Response response =
        completed ? http::JsonResponse(PaymentToJson(outcome.payment))
                  : http::ProblemResponse(
                        http::Status::payment_required,
                        "payment declined: " + outcome.payment.decline_reason.value_or("declined"),
                        json::object{{"payment", PaymentToJson(outcome.payment)}});
    if (outcome.replayed) {
      response.set(kReplayedHeader, "true");
    }
    co_return response;
  }

 private:
  // Runs inside the transaction (possibly more than once after a deadlock: the simulated charge has no
  // effect outside the database).
  PayOutcome PayInTransaction(db::Connection& c, std::int64_t id, const authn::Identity& caller,
                              const PayRequest& request, const std::optional<std::string>& key,
                              const std::string& traceparent) {
    const auto order = repository::LoadOrder(c, id, repository::Lock::kUpdate);
    if (!order) {
      throw http::NotFound("order not found");
    }
    if (order->user_id != caller.user_id) {
      throw http::Forbidden("only the buyer may pay for an order");
    }
    if (key) {
      if (auto earlier = repository::FindPaymentByKey(c, id, *key)) {
        if (earlier->method != request.method) {
          throw http::UnprocessableEntity(
              "this Idempotency-Key was already used for a " + earlier->method + " payment of this order",
              "Idempotency-Key");
        }
        return PayOutcome{std::move(*earlier), true};
      }
    }
    const Transition transition = Decide(order->status, Trigger::kPay);
    if (transition.verdict != Verdict::kApply) {
      throw http::Conflict(std::string(transition.refusal));
    }
    if (!order->total_cents) {
      throw std::logic_error("an order awaiting payment without a total");
    }

    const ChargeResult charge = deps_.payments.Charge(
        ChargeRequest{id, *order->total_cents, request.method, key.value_or(""), request.simulate_decline});
    Payment attempt;
    attempt.order_id = id;
    attempt.amount_cents = *order->total_cents;
    attempt.method = request.method;
    attempt.status = charge.approved ? kCompleted : kDeclined;
    if (!charge.approved) {
      attempt.decline_reason = charge.decline_reason;
    }
    attempt.reference = charge.reference;
    Payment stored = repository::InsertPayment(c, attempt, key);
    if (charge.approved) {
      if (!repository::ChangeStatus(c, id, order->status, transition.next)) {
        throw std::logic_error("order " + std::to_string(id) + " changed under its row lock");
      }
      events::EmitPaid(c, id, order->user_id, stored.id, stored.amount_cents, stored.method, traceparent);
      log::Info("order paid", {{"order_id", id}, {"payment_id", stored.id}, {"method", stored.method}});
    } else {
      log::Info("payment declined", {{"order_id", id}, {"payment_id", stored.id}});
    }
    return PayOutcome{std::move(stored), false};
  }

  Deps deps_;
};

}  // namespace

void AddPaymentRoutes(http::Server& server, const Deps& deps) {
  auto routes = std::make_shared<PaymentRoutes>(deps);
  server.Post("/orders/{id}/pay", [routes](http::Context& ctx) { return routes->Pay(ctx); });
}

}  // namespace bookstore::orders::handlers
