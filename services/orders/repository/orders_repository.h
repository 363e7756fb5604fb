#pragma once
// All SQL on orders and order_items. Every function runs on the connection it is given, inside the
// caller's transaction when there is one; status changes are conditional (WHERE status = ?) and report
// whether they applied.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bookstore/db/db.h"
#include "domain/event_data.h"
#include "domain/order.h"
#include "domain/order_limits.h"
#include "domain/order_request.h"
#include "domain/order_state.h"

namespace bookstore::orders::repository {

struct OrderRef {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  OrderStatus status = OrderStatus::kPending;
  std::optional<std::string> reason;
};

enum class Lock {
  kNone,    // a consistent read
  kUpdate,  // FOR UPDATE: the caller is about to change the order
};

struct KnownTitle {
  std::string title;
  std::int64_t seller_id = 0;
};

struct NewOrder {
  std::int64_t user_id = 0;
  std::optional<std::string> idempotency_key;
  std::string fingerprint;
  std::vector<RequestedItem> items;
  std::map<std::int64_t, KnownTitle> titles;  // from the read model, by book id
};

// Inserts pending orders and their items (one statement for the orders, one for all the items); returns
// their ids, in the same order. A (user_id, idempotency_key) already used throws db::Error with
// IsDuplicateKey().
std::vector<std::int64_t> InsertOrders(db::Connection& c, const std::vector<NewOrder>& orders);

struct KeyedOrder {
  std::int64_t id = 0;
  std::string fingerprint;
};
std::optional<KeyedOrder> FindOrderByKey(db::Connection& c, std::int64_t user_id, const std::string& key);
// The orders of any of `users` made with any of `keys`, by (user id, key): one statement for a batch.
std::map<std::pair<std::int64_t, std::string>, KeyedOrder> FindOrdersByKeys(
    db::Connection& c, const std::vector<std::int64_t>& users, const std::vector<std::string>& keys);

std::optional<Order> LoadOrder(db::Connection& c, std::int64_t id, Lock lock = Lock::kNone);
// The orders of `ids` that exist, with their items, by id: one statement.
std::map<std::int64_t, Order> LoadOrders(db::Connection& c, const std::vector<std::int64_t>& ids);

struct OrderFilter {
  std::optional<std::int64_t> user_id;  // nullopt: everyone's (admin)
  std::optional<OrderStatus> status;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};
struct OrderPage {
  std::vector<Order> orders;  // newest first
  std::int64_t total = 0;     // matching orders in all
};
OrderPage ListOrders(db::Connection& c, const OrderFilter& filter);

// The orders of `ids` that exist, locked (FOR UPDATE) by one statement in ascending id, the order every
// writer of several orders takes them in.
std::map<std::int64_t, OrderRef> LockOrders(db::Connection& c, const std::vector<std::int64_t>& ids);

// For a batch of catalog's answers to orders the caller locked and found pending, a few statements for
// all of them. pending -> awaiting_payment with catalog's titles, sellers, unit prices and total; the
// payment clock starts now.
void MarkReserved(db::Connection& c, const std::vector<StockReserved>& answers,
                  std::chrono::milliseconds payment_timeout);
// pending -> rejected with catalog's reason and what it had of the books it was short of.
void MarkRejected(db::Connection& c, const std::vector<StockRejected>& answers);

// from -> to (with the reason, or NULL); clears payment_due_at. False when the order was not `from`.
bool ChangeStatus(db::Connection& c, std::int64_t id, OrderStatus from, OrderStatus to,
                  const std::optional<std::string>& reason = std::nullopt);

// Locks the users' rows in order_placers (made on their first order) until the transaction ends, in the
// order given (ascending: two batches sharing users never deadlock): another placement by one of them
// waits here, so two at once cannot both pass the limits; other users' do not wait. Must come before the
// transaction's first read, so that its reads see what the one it waited for committed.
void LockPlacers(db::Connection& c, const std::vector<std::int64_t>& users);

// Each user's unpaid orders (pending or awaiting_payment) and the copies in them, from the index
// orders_user alone (users without any are absent).
std::map<std::int64_t, UnpaidTotals> UnpaidTotalsOf(db::Connection& c,
                                                    const std::vector<std::int64_t>& users);

// The copies of each book in each user's unpaid orders, by user and book (reads the items of every such
// order: ask only for the users MayPassUnpaidCopies names).
std::map<std::int64_t, std::map<std::int64_t, std::int64_t>> UnpaidCopiesByBook(
    db::Connection& c, const std::vector<std::int64_t>& users);

// The orders each user placed within `window` up to now, whatever became of them (absent: none).
std::map<std::int64_t, std::int64_t> CountOrdersPlacedWithin(db::Connection& c,
                                                             const std::vector<std::int64_t>& users,
                                                             std::chrono::milliseconds window);

// The orders holding `book_id` that are not paid yet (pending or awaiting_payment), locked, in id order.
std::vector<OrderRef> LockUnpaidOrdersWithBook(db::Connection& c, std::int64_t book_id);

// Up to `limit` orders awaiting payment past their payment_due_at, locked; rows another replica's
// sweeper holds are skipped (SKIP LOCKED), so replicas share the work.
std::vector<OrderRef> LockOverdueOrders(db::Connection& c, std::int64_t limit);

// How many orders are in each status (statuses without orders absent). A walk of the orders_status
// index: for metrics every few seconds, not for requests.
std::vector<std::pair<OrderStatus, std::int64_t>> CountOrdersByStatus(db::Connection& c);

}  // namespace bookstore::orders::repository
