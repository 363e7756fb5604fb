// POST /orders, GET /orders, GET /orders/{id}, POST /orders/{id}/cancel.
//
// POST /orders writes the order as pending together with order.placed (outbox) in one transaction, then
// waits up to ORDER_CONFIRM_TIMEOUT for catalog's answer without holding a thread: woken at once by this
// replica's consumer (OutcomeNotifier), or finding the answer by reading the order again with backoff
// when another replica consumed it. Answers:
//   201 the order, awaiting_payment, with catalog's prices and total
//   409 problem "insufficient stock for ..." (the order is kept as rejected; "order" in the problem)
//   404 problem "book not found: ..." (known deleted by the read model: no order at all; or catalog's
//       book_not_found: a rejected order)
//   202 the order, still pending: catalog did not answer in time; the order completes once it does
// Idempotency-Key: the same key from the same user returns the order of the first request, answered the
// same way from its current status (header Idempotent-Replayed: true); the same key with other books or
// quantities is 422.

#include <algorithm>
#include <boost/json/array.hpp>
#include <limits>

#include "bookstore/http/error.h"
#include "bookstore/log/log.h"
#include "domain/order.h"
#include "domain/order_request.h"
#include "events/order_events.h"
#include "handlers/common.h"
#include "handlers/placement.h"
#include "handlers/routes.h"
#include "repository/delivery_repository.h"
#include "repository/orders_repository.h"
#include "repository/payments_repository.h"

namespace bookstore::orders::handlers {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

// Polls only find answers another replica consumed (this replica's consumer wakes the request at once):
// under load every poll that finds the order still pending is a wasted statement, so they start late.
constexpr milliseconds kFirstPoll{100};
constexpr milliseconds kMaxPoll{500};
constexpr std::int64_t kDefaultLimit = 50;
constexpr std::int64_t kMaxLimit = 200;

std::string OrderPath(std::int64_t id) { return "/orders/" + std::to_string(id); }

// The order of an earlier request with the same key, provided it asked for the same thing.
std::optional<Placement> FindReplay(db::Connection& c, std::int64_t user_id, const std::string& key,
                                    const std::string& fingerprint) {
  const auto existing = repository::FindOrderByKey(c, user_id, key);
  if (!existing) {
    return std::nullopt;
  }
  RefuseAnotherRequestsKey(fingerprint, existing->fingerprint, existing->id);
  return Placement{existing->id, true};
}

http::Response Replayed(http::Response response, bool replayed) {
  if (replayed) {
    response.set(kReplayedHeader, "true");
  }
  return response;
}

// The answer to POST /orders for the order as it stands.
http::Response PlacementResponse(const Order& order, bool replayed) {
  if (order.status == OrderStatus::kRejected) {
    const bool missing = order.reason && *order.reason == "book_not_found";
    return Replayed(http::ProblemResponse(
                        missing ? http::Status::not_found : http::Status::conflict, RejectionDetail(order),
                        json::object{{"order_id", order.id}, {"order", OrderToJson(order)}}),
                    replayed);
  }
  const auto status = order.status == OrderStatus::kPending ? http::Status::accepted : http::Status::created;
  http::Response response = http::JsonResponse(OrderToJson(order), status);
  response.set(http::Field::location, OrderPath(order.id));
  return Replayed(std::move(response), replayed);
}

// orders_placed_total{outcome}: how first answers to POST /orders went (replays are not counted).
class PlacementMetrics {
 public:
  PlacementMetrics()
      : created_(Add("created")),
        pending_(Add("pending")),
        rejected_(Add("rejected")),
        other_(Add("other")) {}

  void Count(const Order& order) {
    switch (order.status) {
      case OrderStatus::kAwaitingPayment:
        created_.Inc();
        return;
      case OrderStatus::kPending:
        pending_.Inc();
        return;
      case OrderStatus::kRejected:
        rejected_.Inc();
        return;
      default:
        other_.Inc();  // cancelled (or further) before the answer was read
        return;
    }
  }

 private:
  static http::Counter& Add(const std::string& outcome) {
    return http::Metrics().AddCounter("orders_placed_total",
                                      "Orders placed, by the status their POST /orders answered with",
                                      {{"outcome", outcome}});
  }

  http::Counter& created_;
  http::Counter& pending_;
  http::Counter& rejected_;
  http::Counter& other_;
};

class OrderRoutes {
 public:
  explicit OrderRoutes(const Deps& deps) : deps_(deps) {}

  http::Awaitable<http::Response> Place(http::Context& ctx) {
    const authn::Identity caller = co_await deps_.authenticator.RequireUser(ctx);
    const OrderRequest request = ParseOrderRequest(http::ParseJsonObject(ctx.request()));
    const auto key = ParseIdempotencyKey(OptionalHeader(ctx, "Idempotency-Key"));
    if (request.user_id && *request.user_id != caller.user_id) {
      throw http::Forbidden("user_id must be your own user id");
    }
    const std::string fingerprint = Fingerprint(request);
    const std::string traceparent = http::TraceparentOf(ctx);

    std::optional<Placement> placement;
    bool same_key_raced = false;
    try {
      Placing placing{caller.user_id, request, key, fingerprint, traceparent};  // named: see Batcher::Submit
      placement = co_await deps_.placer.Submit(std::move(placing));
    } catch (const db::Error& e) {
      // Two requests with the same key at once: the unique index let one insert; this is the other.
      if (!key || !e.IsDuplicateKey()) {
        throw;
      }
      same_key_raced = true;
    }
    if (same_key_raced) {
      placement = co_await deps_.pool.Run(
          [&](db::Connection& c) { return FindReplay(c, caller.user_id, *key, fingerprint); });
      if (!placement) {
        throw http::ServiceUnavailable("the order could not be placed, try again");
      }
    }
    if (!placement->replayed) {
      log::Info("order placed", http::RequestLogFields(ctx, {{"order_id", placement->order_id},
                                                             {"user_id", caller.user_id},
                                                             {"items", request.items.size()}}));
    }
    const Order order = co_await AwaitOutcome(placement->order_id, placement->replayed);
    if (!placement->replayed) {
      metrics_.Count(order);
    }
    co_return PlacementResponse(order, placement->replayed);
  }

  http::Awaitable<http::Response> List(http::Context& ctx) {
    const authn::Identity caller = co_await deps_.authenticator.RequireUser(ctx);
    repository::OrderFilter filter;
    if (const auto status = ctx.Query("status"); status && !status->empty()) {
      filter.status = ParseStatus(*status);
      if (!filter.status) {
        throw http::BadRequest(
            "status must be one of pending, awaiting_payment, paid, shipped, cancelled, rejected", "status");
      }
    }
    const bool all = ctx.QueryBool("all", false);
    if (all && !caller.IsAdmin()) {
      throw http::Forbidden("only an admin may list everyone's orders");
    }
    if (!all) {
      filter.user_id = caller.user_id;
    }
    filter.limit = ctx.QueryInt("limit", kDefaultLimit, 1, kMaxLimit);
    filter.offset = ctx.QueryInt("offset", 0, 0, std::numeric_limits<std::int32_t>::max());
    const auto page =
        co_await deps_.pool.Run([&](db::Connection& c) { return repository::ListOrders(c, filter); });
    json::array orders;
    orders.reserve(page.orders.size());
    for (const Order& order : page.orders) {
      orders.push_back(OrderToJson(order));
    }
    http::Response response = http::JsonResponse(orders);
    response.set("X-Total-Count", std::to_string(page.total));
    co_return response;
  }

  http::Awaitable<http::Response> Get(http::Context& ctx) {
    const std::int64_t id = ctx.IdParam("id");
    const authn::Identity caller = co_await deps_.authenticator.RequireUser(ctx);
    struct Found {
      Order order;
      std::optional<Payment> payment;
      std::optional<Delivery> delivery;
    };
    const auto found = co_await deps_.pool.Run([&](db::Connection& c) -> std::optional<Found> {
      auto order = repository::LoadOrder(c, id);
      if (!order) {
        return std::nullopt;
      }
      return Found{std::move(*order), repository::FindCompletedPayment(c, id),
                   repository::FindDelivery(c, id)};
    });
    if (!found) {
      throw http::NotFound("order not found");
    }
    if (!caller.IsSelfOrAdmin(found->order.user_id)) {
      throw http::Forbidden("this order belongs to someone else");
    }
    json::object body = OrderToJson(found->order);
    body["payment"] = found->payment ? json::value(PaymentToJson(*found->payment)) : json::value(nullptr);
    body["delivery"] = found->delivery ? json::value(DeliveryToJson(*found->delivery)) : json::value(nullptr);
    co_return http::JsonResponse(body);
  }

  // Owner or admin, before payment. Cancelling a cancelled order answers 200 again and emits nothing.
  http::Awaitable<http::Response> Cancel(http::Context& ctx) {
    const std::int64_t id = ctx.IdParam("id");
    const authn::Identity caller = co_await deps_.authenticator.RequireUser(ctx);
    const std::string traceparent = http::TraceparentOf(ctx);
    const Order order = co_await deps_.pool.Transact([&](db::Connection& c) -> Order {
      auto current = repository::LoadOrder(c, id, repository::Lock::kUpdate);
      if (!current) {
        throw http::NotFound("order not found");
      }
      if (!caller.IsSelfOrAdmin(current->user_id)) {
        throw http::Forbidden("this order belongs to someone else");
      }
      const std::string reason = caller.user_id == current->user_id ? "user" : "admin";
      const repository::OrderRef ref{current->id, current->user_id, current->status, current->reason};
      const Transition transition = events::CancelOrder(c, ref, Trigger::kCancel, reason, traceparent);
      if (transition.verdict == Verdict::kRefuse) {
        throw http::Conflict(std::string(transition.refusal));
      }
      return transition.verdict == Verdict::kApply ? *repository::LoadOrder(c, id) : std::move(*current);
    });
    co_return http::JsonResponse(OrderToJson(order));
  }

 private:
  // The order once catalog answered, or as it stands (pending) after confirm_timeout. A new order was
  // just written as pending and catalog's answer takes a few milliseconds at best, so the first read waits
  // for the notification (or the first poll) instead of finding it pending; a replayed order may well be
  // complete already and is read at once.
  http::Awaitable<Order> AwaitOutcome(std::int64_t order_id, bool replayed) {
    const auto subscription = co_await deps_.notifier.Subscribe(order_id);
    const auto deadline = std::chrono::steady_clock::now() + deps_.confirm_timeout;
    milliseconds poll = kFirstPoll;
    bool wait_first = !replayed;
    while (true) {
      if (wait_first) {
        const auto left =
            std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
        if (co_await subscription->Wait(std::max(std::min(poll, left), milliseconds::zero()))) {
          // This replica's consumer handled the answer and handed the order over as it committed it.
          if (const auto order = subscription->TakeOrder(); order && order->status != OrderStatus::kPending) {
            co_return *order;
          }
        }
        poll = std::min(poll * 2, kMaxPoll);
      }
      wait_first = true;
      auto order =
          co_await deps_.pool.Run([&](db::Connection& c) { return repository::LoadOrder(c, order_id); });
      if (!order) {
        throw http::InternalError("the order vanished");
      }
      if (order->status != OrderStatus::kPending || std::chrono::steady_clock::now() >= deadline) {
        co_return std::move(*order);
      }
    }
  }

  Deps deps_;
  PlacementMetrics metrics_;
};

}  // namespace

void AddOrderRoutes(http::Server& server, const Deps& deps) {
  auto routes = std::make_shared<OrderRoutes>(deps);
  server.Post("/orders", [routes](http::Context& ctx) { return routes->Place(ctx); });
  server.Get("/orders", [routes](http::Context& ctx) { return routes->List(ctx); });
  server.Get("/orders/{id}", [routes](http::Context& ctx) { return routes->Get(ctx); });
  server.Post("/orders/{id}/cancel", [routes](http::Context& ctx) { return routes->Cancel(ctx); });
}

}  // namespace bookstore::orders::handlers
