#include "repository/payments_repository.h"

#include "bookstore/money/money.h"

namespace bookstore::orders::repository {
namespace {

constexpr std::string_view kColumns =
    "SELECT id, order_id, amount, method, status, decline_reason, reference, created_at FROM payments ";

Payment FromRow(const db::Row& row) {
  Payment payment;
  payment.id = row.Int(0);
  payment.order_id = row.Int(1);
  payment.amount_cents = money::FromDecimal(row.String(2));
  payment.method = row.String(3);
  payment.status = row.String(4);
  payment.decline_reason = row.OptString(5);
  payment.reference = row.String(6);
  payment.created_at = DatabaseTimeToRfc3339(row.String(7));
  return payment;
}

std::optional<Payment> FindOne(db::Connection& c, const std::string& where, const db::ParamList& params) {
  auto row = c.QueryOne(std::string(kColumns) + where, params);
  if (!row) {
    return std::nullopt;
  }
  return FromRow(*row);
}

}  // namespace

std::optional<Payment> FindPaymentByKey(db::Connection& c, std::int64_t order_id, const std::string& key) {
  return FindOne(c, "WHERE order_id = ? AND idempotency_key = ?", {order_id, key});
}

std::optional<Payment> FindCompletedPayment(db::Connection& c, std::int64_t order_id) {
  return FindOne(c, "WHERE completed_order_id = ?", {order_id});
}

Payment InsertPayment(db::Connection& c, const Payment& payment,
                      const std::optional<std::string>& idempotency_key) {
  const auto id = static_cast<std::int64_t>(
      c.Execute("INSERT INTO payments (order_id, amount, method, status, decline_reason, reference, "
                "idempotency_key, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))",
                {payment.order_id, db::Decimal{money::ToDecimal(payment.amount_cents)}, payment.method,
                 payment.status, payment.decline_reason, payment.reference, idempotency_key})
          .insert_id);
  return *FindOne(c, "WHERE id = ?", {id});
}

}  // namespace bookstore::orders::repository
