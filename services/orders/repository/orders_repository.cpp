#include "repository/orders_repository.h"

#include <set>
#include <stdexcept>

#include "bookstore/money/money.h"

namespace bookstore::orders::repository {
namespace {

constexpr std::string_view kOrderColumns =
    "id, user_id, status, reason, total_price, payment_due_at, created_at, updated_at";
constexpr std::size_t kOrderColumnCount = 8;

std::string LockClause(Lock lock) {
  switch (lock) {
    case Lock::kNone:
      return "";
    case Lock::kUpdate:
      return " FOR UPDATE";
  }
  return "";
}

OrderStatus StatusOf(const db::Row& row, std::size_t column) {
  const std::string name = row.String(column);
  const auto status = ParseStatus(name);
  if (!status) {
    throw std::runtime_error("unknown order status in the database: " + name);
  }
  return *status;
}

std::optional<std::int64_t> OptionalCents(const db::Row& row, std::size_t column) {
  if (row.IsNull(column)) {
    return std::nullopt;
  }
  return money::FromDecimal(row.String(column));
}

std::optional<std::string> OptionalTime(const db::Row& row, std::size_t column) {
  if (row.IsNull(column)) {
    return std::nullopt;
  }
  return DatabaseTimeToRfc3339(row.String(column));
}

// A row of kOrderColumns, without items.
Order OrderFromRow(const db::Row& row) {
  Order order;
  order.id = row.Int(0);
  order.user_id = row.Int(1);
  order.status = StatusOf(row, 2);
  order.reason = row.OptString(3);
  order.total_cents = OptionalCents(row, 4);
  order.payment_due_at = OptionalTime(row, 5);
  order.created_at = DatabaseTimeToRfc3339(row.String(6));
  order.updated_at = DatabaseTimeToRfc3339(row.String(7));
  return order;
}

OrderItem ItemFromRow(const db::Row& row, std::size_t first) {
  OrderItem item;
  item.book_id = row.Int(first);
  item.quantity = row.Int(first + 1);
  item.title = row.OptString(first + 2);
  item.seller_id = row.OptInt(first + 3);
  item.unit_price_cents = OptionalCents(row, first + 4);
  item.available = row.OptInt(first + 5);
  return item;
}

constexpr std::string_view kItemColumns = "book_id, quantity, title, seller_id, unit_price, available";

std::vector<OrderRef> RefsFromRows(const std::vector<db::Row>& rows) {
  std::vector<OrderRef> refs;
  refs.reserve(rows.size());
  for (const db::Row& row : rows) {
    refs.push_back(OrderRef{row.Int(0), row.Int(1), StatusOf(row, 2), row.OptString(3)});
  }
  return refs;
}

}  // namespace

std::vector<std::int64_t> InsertOrders(db::Connection& c, const std::vector<NewOrder>& orders) {
  std::vector<std::int64_t> ids;
  if (orders.empty()) {
    return ids;
  }
  db::ParamList order_params;
  for (const NewOrder& order : orders) {
    std::int64_t copies = 0;
    for (const RequestedItem& item : order.items) {
      copies += item.quantity;
    }
    order_params.Add(order.user_id);
    order_params.Add(copies);
    order_params.Add(db::ToParam(order.idempotency_key));
    order_params.Add(order.fingerprint);
  }
  // RETURNING gives the rows in the order of VALUES.
  for (const db::Row& row :
       c.Query("INSERT INTO orders (user_id, status, copies, idempotency_key, request_fingerprint, "
               "created_at, updated_at) VALUES " +
                   db::Placeholders(orders.size(),
                                    "(?, 'pending', ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))") +
                   " RETURNING id",
               order_params)) {
    ids.push_back(row.Int(0));
  }
  if (ids.size() != orders.size()) {
    throw std::logic_error("INSERT ... RETURNING gave " + std::to_string(ids.size()) + " ids for " +
                           std::to_string(orders.size()) + " orders");
  }
  db::ParamList item_params;
  std::size_t items = 0;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    std::int64_t position = 0;
    for (const RequestedItem& item : orders[i].items) {
      const auto known = orders[i].titles.find(item.book_id);
      const bool is_known = known != orders[i].titles.end();
      item_params.Add(ids[i]);
      item_params.Add(item.book_id);
      item_params.Add(position++);
      item_params.Add(item.quantity);
      item_params.Add(is_known ? db::Param{known->second.title} : db::Param{nullptr});
      item_params.Add(is_known ? db::Param{known->second.seller_id} : db::Param{nullptr});
      ++items;
    }
  }
  c.Execute("INSERT INTO order_items (order_id, book_id, position, quantity, title, seller_id) VALUES " +
                db::Placeholders(items, "(?, ?, ?, ?, ?, ?)"),
            item_params);
  return ids;
}

std::optional<KeyedOrder> FindOrderByKey(db::Connection& c, std::int64_t user_id, const std::string& key) {
  auto row = c.QueryOne(
      "SELECT id, request_fingerprint FROM orders WHERE user_id = ? AND idempotency_key = ?", {user_id, key});
  if (!row) {
    return std::nullopt;
  }
  return KeyedOrder{row->Int(0), row->String(1)};
}

std::map<std::pair<std::int64_t, std::string>, KeyedOrder> FindOrdersByKeys(
    db::Connection& c, const std::vector<std::int64_t>& users, const std::vector<std::string>& keys) {
  std::map<std::pair<std::int64_t, std::string>, KeyedOrder> found;
  if (users.empty() || keys.empty()) {
    return found;
  }
  db::ParamList params;
  for (const std::int64_t user : users) {
    params.Add(user);
  }
  for (const std::string& key : keys) {
    params.Add(key);
  }
  // Pairs of a user and another user's key come along too: harmless, nobody asks for them.
  for (const db::Row& row : c.Query("SELECT user_id, idempotency_key, id, request_fingerprint FROM orders "
                                    "WHERE user_id IN (" +
                                        db::Placeholders(users.size()) + ") AND idempotency_key IN (" +
                                        db::Placeholders(keys.size()) + ")",
                                    params)) {
    found.emplace(std::pair(row.Int(0), row.String(1)), KeyedOrder{row.Int(2), row.String(3)});
  }
  return found;
}

namespace {

// One statement, one row per item (an order has one at least): the column names of the two tables do
// not overlap.
const std::string& JoinedOrderSql() {
  static const std::string kSql = "SELECT " + std::string(kOrderColumns) + ", " + std::string(kItemColumns) +
                                  " FROM orders JOIN order_items ON order_items.order_id = orders.id";
  return kSql;
}

// The rows of JoinedOrderSql, ordered by order id and position, as orders with their items.
std::map<std::int64_t, Order> OrdersFromJoinedRows(const std::vector<db::Row>& rows) {
  std::map<std::int64_t, Order> orders;
  Order* current = nullptr;
  for (const db::Row& row : rows) {
    if (current == nullptr || current->id != row.Int(0)) {
      current = &orders.emplace(row.Int(0), OrderFromRow(row)).first->second;
    }
    current->items.push_back(ItemFromRow(row, kOrderColumnCount));
  }
  return orders;
}

}  // namespace

std::optional<Order> LoadOrder(db::Connection& c, std::int64_t id, Lock lock) {
  // With FOR UPDATE it locks the order row, then its items, as every writer does.
  auto orders = OrdersFromJoinedRows(
      c.Query(JoinedOrderSql() + " WHERE orders.id = ? ORDER BY position" + LockClause(lock), {id}));
  if (orders.empty()) {
    return std::nullopt;
  }
  return std::move(orders.begin()->second);
}

std::map<std::int64_t, Order> LoadOrders(db::Connection& c, const std::vector<std::int64_t>& ids) {
  if (ids.empty()) {
    return {};
  }
  return OrdersFromJoinedRows(c.Query(JoinedOrderSql() + " WHERE orders.id IN (" +
                                          db::Placeholders(ids.size()) + ") ORDER BY orders.id, position",
                                      db::ParamsOf(ids)));
}

OrderPage ListOrders(db::Connection& c, const OrderFilter& filter) {
  std::string where = " WHERE 1 = 1";
  db::ParamList params;
  if (filter.user_id) {
    where += " AND user_id = ?";
    params.Add(*filter.user_id);
  }
  if (filter.status) {
    where += " AND status = ?";
    params.Add(std::string(StatusName(*filter.status)));
  }
  OrderPage page;
  page.total = c.QueryOne("SELECT COUNT(*) FROM orders" + where, params)->Int(0);
  db::ParamList page_params = params;
  page_params.Add(filter.limit);
  page_params.Add(filter.offset);
  std::map<std::int64_t, std::size_t> index;
  for (const db::Row& row : c.Query("SELECT " + std::string(kOrderColumns) + " FROM orders" + where +
                                        " ORDER BY id DESC LIMIT ? OFFSET ?",
                                    page_params)) {
    index[row.Int(0)] = page.orders.size();
    page.orders.push_back(OrderFromRow(row));
  }
  if (page.orders.empty()) {
    return page;
  }
  std::vector<std::int64_t> ids;
  ids.reserve(page.orders.size());
  for (const Order& order : page.orders) {
    ids.push_back(order.id);
  }
  for (const db::Row& row :
       c.Query("SELECT order_id, " + std::string(kItemColumns) + " FROM order_items WHERE order_id IN (" +
                   db::Placeholders(ids.size()) + ") ORDER BY order_id, position",
               db::ParamsOf(ids))) {
    page.orders[index.at(row.Int(0))].items.push_back(ItemFromRow(row, 1));
  }
  return page;
}

std::map<std::int64_t, OrderRef> LockOrders(db::Connection& c, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, OrderRef> orders;
  if (ids.empty()) {
    return orders;
  }
  for (const OrderRef& ref :
       RefsFromRows(c.Query("SELECT id, user_id, status, reason FROM orders WHERE id IN (" +
                                db::Placeholders(ids.size()) + ") ORDER BY id FOR UPDATE",
                            db::ParamsOf(ids)))) {
    orders.emplace(ref.id, ref);
  }
  return orders;
}

namespace {

// "CASE WHEN order_id = ? AND book_id = ? THEN ? ... ELSE <column> END" over the items of a batch: one
// UPDATE of order_items for all of them (WHERE order_id IN (...) reads the primary key's range).
template <typename Item, typename Answer, typename Value>
std::string ItemCase(const std::vector<Answer>& answers, std::vector<Item> Answer::*items,
                     std::string_view column, Value value, db::ParamList& params) {
  std::string sql = "CASE";
  for (const Answer& answer : answers) {
    for (const Item& item : answer.*items) {
      sql += " WHEN order_id = ? AND book_id = ? THEN ?";
      params.Add(answer.order_id);
      params.Add(item.book_id);
      params.Add(value(item));
    }
  }
  return sql + " ELSE " + std::string(column) + " END";
}

template <typename Answer>
void AddOrderIds(const std::vector<Answer>& answers, db::ParamList& params) {
  for (const Answer& answer : answers) {
    params.Add(answer.order_id);
  }
}

}  // namespace

void MarkReserved(db::Connection& c, const std::vector<StockReserved>& answers,
                  std::chrono::milliseconds payment_timeout) {
  if (answers.empty()) {
    return;
  }
  std::vector<std::pair<db::Param, db::Param>> total_prices;
  total_prices.reserve(answers.size());
  for (const StockReserved& answer : answers) {
    total_prices.emplace_back(answer.order_id, db::Decimal{money::ToDecimal(answer.total_cents)});
  }
  db::ParamList params;
  const std::string totals = db::CaseWhen("id", total_prices, params);
  params.Add(static_cast<std::int64_t>(payment_timeout.count()) * 1000);
  AddOrderIds(answers, params);
  c.Execute("UPDATE orders SET status = 'awaiting_payment', total_price = " + totals +
                ", payment_due_at = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND, updated_at = UTC_TIMESTAMP(3) "
                "WHERE id IN (" +
                db::Placeholders(answers.size()) + ") AND status = 'pending'",
            params);

  db::ParamList item_params;
  const std::string titles = ItemCase(
      answers, &StockReserved::items, "title", [](const ReservedItem& item) { return db::Param{item.title}; },
      item_params);
  const std::string sellers = ItemCase(
      answers, &StockReserved::items, "seller_id",
      [](const ReservedItem& item) { return db::Param{item.seller_id}; }, item_params);
  const std::string prices = ItemCase(
      answers, &StockReserved::items, "unit_price",
      [](const ReservedItem& item) {
        return db::Param{db::Decimal{money::ToDecimal(item.unit_price_cents)}};
      },
      item_params);
  AddOrderIds(answers, item_params);
  c.Execute("UPDATE order_items SET title = " + titles + ", seller_id = " + sellers +
                ", unit_price = " + prices + " WHERE order_id IN (" + db::Placeholders(answers.size()) + ")",
            item_params);
}

void MarkRejected(db::Connection& c, const std::vector<StockRejected>& answers) {
  if (answers.empty()) {
    return;
  }
  std::vector<std::pair<db::Param, db::Param>> why;
  why.reserve(answers.size());
  for (const StockRejected& answer : answers) {
    why.emplace_back(answer.order_id, answer.reason);
  }
  db::ParamList params;
  const std::string reasons = db::CaseWhen("id", why, params);
  AddOrderIds(answers, params);
  c.Execute("UPDATE orders SET status = 'rejected', reason = " + reasons +
                ", updated_at = UTC_TIMESTAMP(3) WHERE id IN (" + db::Placeholders(answers.size()) +
                ") AND status = 'pending'",
            params);
  db::ParamList item_params;
  const std::string available = ItemCase(
      answers, &StockRejected::items, "available",
      [](const Shortfall& item) { return db::Param{item.available}; }, item_params);
  AddOrderIds(answers, item_params);
  c.Execute("UPDATE order_items SET available = " + available + " WHERE order_id IN (" +
                db::Placeholders(answers.size()) + ")",
            item_params);
  // Titles the read model learnt since the orders were placed, for the answers naming the books short.
  db::ParamList ids;
  AddOrderIds(answers, ids);
  c.Execute(
      "UPDATE order_items i JOIN books b ON b.id = i.book_id SET i.title = b.title WHERE i.order_id IN (" +
          db::Placeholders(answers.size()) + ") AND i.title IS NULL",
      ids);
}

bool ChangeStatus(db::Connection& c, std::int64_t id, OrderStatus from, OrderStatus to,
                  const std::optional<std::string>& reason) {
  return c.Execute(
              "UPDATE orders SET status = ?, reason = ?, payment_due_at = NULL, updated_at = "
              "UTC_TIMESTAMP(3) "
              "WHERE id = ? AND status = ?",
              {std::string(StatusName(to)), reason, id, std::string(StatusName(from))})
             .affected_rows == 1;
}

void LockPlacers(db::Connection& c, const std::vector<std::int64_t>& users) {
  if (users.empty()) {
    return;
  }
  c.Execute("INSERT INTO order_placers (user_id) VALUES " + db::Placeholders(users.size(), "(?)") +
                " ON DUPLICATE KEY UPDATE user_id = user_id",
            db::ParamsOf(users));
}

std::map<std::int64_t, UnpaidTotals> UnpaidTotalsOf(db::Connection& c,
                                                    const std::vector<std::int64_t>& users) {
  std::map<std::int64_t, UnpaidTotals> totals;
  if (users.empty()) {
    return totals;
  }
  // Covered by orders_user (user_id, status, id, copies): no row of orders is read.
  for (const db::Row& row : c.Query("SELECT user_id, COUNT(*), SUM(copies), SUM(copies = 0) FROM orders "
                                    "WHERE user_id IN (" +
                                        db::Placeholders(users.size()) +
                                        ") AND status IN ('pending', 'awaiting_payment') GROUP BY user_id",
                                    db::ParamsOf(users))) {
    totals.emplace(row.Int(0), UnpaidTotals{row.Int(1), row.Int(2), row.Int(3) > 0});
  }
  return totals;
}

std::map<std::int64_t, std::map<std::int64_t, std::int64_t>> UnpaidCopiesByBook(
    db::Connection& c, const std::vector<std::int64_t>& users) {
  std::map<std::int64_t, std::map<std::int64_t, std::int64_t>> copies;
  if (users.empty()) {
    return copies;
  }
  for (const db::Row& row : c.Query("SELECT o.user_id, i.book_id, SUM(i.quantity) FROM orders o "
                                    "JOIN order_items i ON i.order_id = o.id WHERE o.user_id IN (" +
                                        db::Placeholders(users.size()) +
                                        ") AND o.status IN ('pending', 'awaiting_payment') "
                                        "GROUP BY o.user_id, i.book_id",
                                    db::ParamsOf(users))) {
    copies[row.Int(0)].emplace(row.Int(1), row.Int(2));
  }
  return copies;
}

std::map<std::int64_t, std::int64_t> CountOrdersPlacedWithin(db::Connection& c,
                                                             const std::vector<std::int64_t>& users,
                                                             std::chrono::milliseconds window) {
  std::map<std::int64_t, std::int64_t> counts;
  if (users.empty()) {
    return counts;
  }
  db::ParamList params = db::ParamsOf(users);
  params.Add(static_cast<std::int64_t>(window.count()) * 1000);
  for (const db::Row& row :
       c.Query("SELECT user_id, COUNT(*) FROM orders WHERE user_id IN (" + db::Placeholders(users.size()) +
                   ") AND created_at >= UTC_TIMESTAMP(3) - INTERVAL ? MICROSECOND "
                   "GROUP BY user_id",
               params)) {
    counts.emplace(row.Int(0), row.Int(1));
  }
  return counts;
}

std::vector<OrderRef> LockUnpaidOrdersWithBook(db::Connection& c, std::int64_t book_id) {
  return RefsFromRows(c.Query(
      "SELECT o.id, o.user_id, o.status, o.reason FROM orders o JOIN order_items i ON i.order_id = o.id "
      "WHERE i.book_id = ? AND o.status IN ('pending', 'awaiting_payment') ORDER BY o.id FOR UPDATE",
      {book_id}));
}

std::vector<OrderRef> LockOverdueOrders(db::Connection& c, std::int64_t limit) {
  return RefsFromRows(
      c.Query("SELECT id, user_id, status, reason FROM orders "
              "WHERE status = 'awaiting_payment' AND payment_due_at <= UTC_TIMESTAMP(3) "
              "ORDER BY payment_due_at LIMIT ? FOR UPDATE SKIP LOCKED",
              {limit}));
}

std::vector<std::pair<OrderStatus, std::int64_t>> CountOrdersByStatus(db::Connection& c) {
  std::vector<std::pair<OrderStatus, std::int64_t>> counts;
  for (const auto& row : c.Query("SELECT status, COUNT(*) FROM orders GROUP BY status")) {
    if (const auto status = ParseStatus(row.String(0))) counts.emplace_back(*status, row.Int(1));
  }
  return counts;
}

}  // namespace bookstore::orders::repository
