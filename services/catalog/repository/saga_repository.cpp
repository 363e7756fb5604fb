#include "repository/saga_repository.h"

#include <stdexcept>

#include "bookstore/money/money.h"

namespace bookstore::catalog::repository {

std::string_view SagaStateName(SagaState state) {
  switch (state) {
    case SagaState::kReserved:
      return "reserved";
    case SagaState::kRejected:
      return "rejected";
    case SagaState::kReleased:
      return "released";
    case SagaState::kCancelled:
      break;
  }
  return "cancelled";
}

namespace {

SagaState ParseSagaState(const std::string& state, std::int64_t order_id) {
  if (state == "reserved") {
    return SagaState::kReserved;
  }
  if (state == "rejected") {
    return SagaState::kRejected;
  }
  if (state == "released") {
    return SagaState::kReleased;
  }
  if (state == "cancelled") {
    return SagaState::kCancelled;
  }
  throw std::logic_error("unknown saga state '" + state + "' of order " + std::to_string(order_id));
}

}  // namespace

std::map<std::int64_t, std::optional<SagaState>> ClaimSagaOrders(
    db::Connection& c, const std::map<std::int64_t, std::int64_t>& orders) {
  std::map<std::int64_t, std::optional<SagaState>> states;
  if (orders.empty()) {
    return states;
  }
  // Not SELECT ... FOR UPDATE first: on a missing key that locks the gap, and two handlers of new orders
  // would then block each other's inserts (a deadlock for every pair of concurrent new orders).
  db::ParamList rows;
  std::vector<std::int64_t> ids;
  for (const auto& [order_id, user_id] : orders) {
    rows.Add(order_id);
    rows.Add(user_id);
    ids.push_back(order_id);
  }
  c.Execute("INSERT INTO saga_orders (order_id, user_id, state, created_at, updated_at) VALUES " +
                db::Placeholders(orders.size(), "(?, ?, 'pending', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))") +
                " ON DUPLICATE KEY UPDATE order_id = order_id",
            rows);
  for (const db::Row& row : c.Query("SELECT order_id, state FROM saga_orders WHERE order_id IN (" +
                                        db::Placeholders(ids.size()) + ") ORDER BY order_id FOR UPDATE",
                                    db::ParamsOf(ids))) {
    const std::string state = row.String(1);
    // 'pending' is never committed: the row was inserted just now.
    states.emplace(row.Int(0), state == "pending"
                                   ? std::nullopt
                                   : std::optional<SagaState>(ParseSagaState(state, row.Int(0))));
  }
  return states;
}

void SetSagaOrderStates(db::Connection& c, const std::map<std::int64_t, SagaState>& states) {
  if (states.empty()) {
    return;
  }
  std::vector<std::pair<db::Param, db::Param>> names;
  std::vector<std::int64_t> ids;
  for (const auto& [order_id, state] : states) {
    names.emplace_back(order_id, std::string(SagaStateName(state)));
    ids.push_back(order_id);
  }
  db::ParamList params;
  const std::string state = db::CaseWhen("order_id", names, params);
  for (const std::int64_t id : ids) {
    params.Add(id);
  }
  c.Execute("UPDATE saga_orders SET state = " + state +
                ", updated_at = UTC_TIMESTAMP(3) WHERE order_id IN (" + db::Placeholders(ids.size()) + ")",
            params);
}

void InsertReservations(db::Connection& c, const std::vector<NewReservation>& reservations) {
  if (reservations.empty()) {
    return;
  }
  db::ParamList params;
  for (const NewReservation& r : reservations) {
    params.Add(r.order_id);
    params.Add(r.book_id);
    params.Add(r.quantity);
    params.Add(db::Decimal{money::ToDecimal(r.unit_price_cents)});
  }
  c.Execute("INSERT INTO reservations (order_id, book_id, quantity, unit_price, status, created_at) VALUES " +
                db::Placeholders(reservations.size(), "(?, ?, ?, ?, 'reserved', UTC_TIMESTAMP(3))"),
            params);
}

std::map<std::int64_t, std::vector<HeldItem>> LockHeldItems(db::Connection& c,
                                                            const std::vector<std::int64_t>& order_ids) {
  std::map<std::int64_t, std::vector<HeldItem>> held;
  if (order_ids.empty()) {
    return held;
  }
  for (const db::Row& row :
       c.Query("SELECT order_id, book_id, quantity FROM reservations WHERE order_id IN (" +
                   db::Placeholders(order_ids.size()) +
                   ") AND status = 'reserved' ORDER BY order_id, book_id FOR UPDATE",
               db::ParamsOf(order_ids))) {
    held[row.Int(0)].push_back({row.Int(1), row.Int(2)});
  }
  return held;
}

void MarkReleased(db::Connection& c, const std::vector<std::int64_t>& order_ids) {
  if (order_ids.empty()) {
    return;
  }
  c.Execute(
      "UPDATE reservations SET status = 'released', released_at = UTC_TIMESTAMP(3) WHERE order_id IN (" +
          db::Placeholders(order_ids.size()) + ") AND status = 'reserved'",
      db::ParamsOf(order_ids));
}

}  // namespace bookstore::catalog::repository
