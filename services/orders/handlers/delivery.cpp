// GET /delivery-providers (anyone) and POST /orders/{id}/delivery (the buyer): {"provider_id": N} on a
// paid order -> 200 {order_id, provider, provider_id, cost, tracking_number, created_at}; the order
// becomes shipped and order.delivery_assigned is emitted. 404 for an unknown provider, 409 when the
// order is not paid (already shipped included).

#include <boost/json/array.hpp>
#include <mutex>
#include <random>
#include <stdexcept>

#include "bookstore/http/error.h"
#include "bookstore/log/log.h"
#include "domain/order.h"
#include "domain/payment.h"
#include "events/order_events.h"
#include "handlers/common.h"
#include "handlers/routes.h"
#include "repository/delivery_repository.h"
#include "repository/orders_repository.h"

namespace bookstore::orders::handlers {
namespace {

namespace json = boost::json;

std::uint64_t RandomNumber() {
  static std::mutex mutex;
  static std::mt19937_64 random{std::random_device{}()};
  std::lock_guard lock(mutex);
  return random();
}

class DeliveryRoutes {
 public:
  explicit DeliveryRoutes(const Deps& deps) : deps_(deps) {}

  http::Awaitable<http::Response> Providers(http::Context& /*ctx*/) {
    const auto providers =
        co_await deps_.pool.Run([](db::Connection& c) { return repository::ListProviders(c); });
    json::array body;
    for (const DeliveryProvider& provider : providers) {
      body.push_back(ProviderToJson(provider));
    }
    co_return http::JsonResponse(body);
  }

  http::Awaitable<http::Response> Assign(http::Context& ctx) {
    const std::int64_t id = ctx.IdParam("id");
    const authn::Identity caller = co_await deps_.authenticator.RequireUser(ctx);
    const json::object body = http::ParseJsonObject(ctx.request());
    const std::int64_t provider_id = http::RequiredInt(body, "provider_id");
    if (provider_id <= 0) {
      throw http::BadRequest("provider_id must be a positive integer", "provider_id");
    }
    const std::string traceparent = http::TraceparentOf(ctx);
    const std::uint64_t random = RandomNumber();
    const Delivery delivery = co_await deps_.pool.Transact([&](db::Connection& c) {
      const auto order = repository::LoadOrder(c, id, repository::Lock::kUpdate);
      if (!order) {
        throw http::NotFound("order not found");
      }
      if (order->user_id != caller.user_id) {
        throw http::Forbidden("only the buyer may choose the delivery");
      }
      const auto provider = repository::FindProvider(c, provider_id);
      if (!provider) {
        throw http::NotFound("unknown delivery provider " + std::to_string(provider_id));
      }
      const Transition transition = Decide(order->status, Trigger::kAssignDelivery);
      if (transition.verdict != Verdict::kApply) {
        throw http::Conflict(std::string(transition.refusal));
      }
      Delivery stored =
          repository::InsertDelivery(c, id, *provider, MakeTrackingNumber(provider->name, id, random));
      if (!repository::ChangeStatus(c, id, order->status, transition.next)) {
        throw std::logic_error("order " + std::to_string(id) + " changed under its row lock");
      }
      events::EmitDeliveryAssigned(c, id, order->user_id, provider->name, stored.provider.cost_cents,
                                   stored.tracking_number, traceparent);
      return stored;
    });
    log::Info("delivery assigned", {{"order_id", id}, {"provider", delivery.provider.name}});
    co_return http::JsonResponse(DeliveryToJson(delivery));
  }

 private:
  Deps deps_;
};

}  // namespace

void AddDeliveryRoutes(http::Server& server, const Deps& deps) {
  auto routes = std::make_shared<DeliveryRoutes>(deps);
  server.Get("/delivery-providers", [routes](http::Context& ctx) { return routes->Providers(ctx); });
  server.Post("/orders/{id}/delivery", [routes](http::Context& ctx) { return routes->Assign(ctx); });
}

}  // namespace bookstore::orders::handlers
