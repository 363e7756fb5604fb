#pragma once
// SQL of delivery providers and deliveries (migrations/0005-0007).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bookstore/db/db.h"
#include "domain/order.h"

namespace bookstore::orders::repository {

std::vector<DeliveryProvider> ListProviders(db::Connection& c);
std::optional<DeliveryProvider> FindProvider(db::Connection& c, std::int64_t id);

// Records the delivery of `order_id` at the provider's current cost and returns it as stored.
Delivery InsertDelivery(db::Connection& c, std::int64_t order_id, const DeliveryProvider& provider,
                        const std::string& tracking_number);

std::optional<Delivery> FindDelivery(db::Connection& c, std::int64_t order_id);

}  // namespace bookstore::orders::repository
