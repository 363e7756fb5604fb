#include "repository/delivery_repository.h"

#include "bookstore/money/money.h"

namespace bookstore::orders::repository {
namespace {

DeliveryProvider ProviderFromRow(const db::Row& row, std::size_t first) {
  return DeliveryProvider{row.Int(first), row.String(first + 1), row.String(first + 2),
                          money::FromDecimal(row.String(first + 3))};
}

}  // namespace

std::vector<DeliveryProvider> ListProviders(db::Connection& c) {
  std::vector<DeliveryProvider> providers;
  for (const db::Row& row :
       c.Query("SELECT id, name, coverage_area, cost FROM delivery_providers ORDER BY id")) {
    providers.push_back(ProviderFromRow(row, 0));
  }
  return providers;
}

std::optional<DeliveryProvider> FindProvider(db::Connection& c, std::int64_t id) {
  auto row = c.QueryOne("SELECT id, name, coverage_area, cost FROM delivery_providers WHERE id = ?", {id});
  if (!row) {
    return std::nullopt;
  }
  return ProviderFromRow(*row, 0);
}

Delivery InsertDelivery(db::Connection& c, std::int64_t order_id, const DeliveryProvider& provider,
                        const std::string& tracking_number) {
  c.Execute(
      "INSERT INTO deliveries (order_id, provider_id, cost, tracking_number, created_at) "
      "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3))",
      {order_id, provider.id, db::Decimal{money::ToDecimal(provider.cost_cents)}, tracking_number});
  return *FindDelivery(c, order_id);
}

std::optional<Delivery> FindDelivery(db::Connection& c, std::int64_t order_id) {
  // The cost of the delivery is the one recorded at assignment, not the provider's current one.
  auto row = c.QueryOne(
      "SELECT d.order_id, p.id, p.name, p.coverage_area, d.cost, d.tracking_number, d.created_at "
      "FROM deliveries d JOIN delivery_providers p ON p.id = d.provider_id WHERE d.order_id = ?",
      {order_id});
  if (!row) {
    return std::nullopt;
  }
  Delivery delivery;
  delivery.order_id = row->Int(0);
  delivery.provider = ProviderFromRow(*row, 1);
  delivery.tracking_number = row->String(5);
  delivery.created_at = DatabaseTimeToRfc3339(row->String(6));
  return delivery;
}

}  // namespace bookstore::orders::repository
