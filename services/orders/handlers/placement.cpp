#include "handlers/placement.h"

#include <algorithm>
#include <exception>
#include <map>
#include <utility>
#include <vector>

#include "bookstore/bus/outbox.h"
#include "bookstore/http/error.h"
#include "events/order_events.h"
#include "repository/books_repository.h"
#include "repository/orders_repository.h"

namespace bookstore::orders::handlers {
namespace {

using UserKey = std::pair<std::int64_t, std::string>;

template <typename T>
void SortUnique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

// What the batch reads before deciding: everything its requests depend on, one statement each.
struct BatchContext {
  std::map<UserKey, repository::KeyedOrder> keyed;
  std::map<std::int64_t, UnpaidHoldings> holdings;
  std::map<std::int64_t, std::int64_t> placed_in_window;
  std::map<std::int64_t, repository::KnownBook> books;
};

// The users' unpaid orders from the index, and their copies book by book only for the users whose
// copies could pass the limit with what they ask for in this batch: the others cannot be refused for
// copies, whatever those are, so their orders' items are not read.
std::map<std::int64_t, UnpaidHoldings> ReadHoldings(const OrderLimits& limits, std::span<const Placing> batch,
                                                    const std::vector<std::int64_t>& users,
                                                    db::Connection& c) {
  std::map<std::int64_t, std::int64_t> requesting;
  for (const Placing& placing : batch) {
    for (const RequestedItem& item : placing.request.items) {
      requesting[placing.user_id] += item.quantity;
    }
  }
  std::map<std::int64_t, UnpaidHoldings> holdings;
  std::vector<std::int64_t> count_by_book;
  for (const auto& [user, totals] : repository::UnpaidTotalsOf(c, users)) {
    holdings[user].orders = totals.orders;
    if (MayPassUnpaidCopies(limits, totals, requesting[user])) {
      count_by_book.push_back(user);
    }
  }
  for (auto& [user, copies] : repository::UnpaidCopiesByBook(c, count_by_book)) {
    holdings[user].copies_by_book = std::move(copies);
  }
  return holdings;
}

BatchContext ReadContext(const OrderLimits& limits, std::span<const Placing> batch, db::Connection& c) {
  std::vector<std::int64_t> users;
  std::vector<std::string> keys;
  std::vector<std::int64_t> books;
  for (const Placing& placing : batch) {
    users.push_back(placing.user_id);
    if (placing.key) {
      keys.push_back(*placing.key);
    }
    for (const RequestedItem& item : placing.request.items) {
      books.push_back(item.book_id);
    }
  }
  SortUnique(users);
  SortUnique(keys);
  SortUnique(books);
  // First, before any read: the reads then see what a placement of the same users that held the rows
  // committed.
  repository::LockPlacers(c, users);
  BatchContext context;
  context.keyed = repository::FindOrdersByKeys(c, users, keys);
  context.holdings = ReadHoldings(limits, batch, users, c);
  context.placed_in_window = repository::CountOrdersPlacedWithin(c, users, limits.window);
  context.books = repository::FindBooks(c, books);
  return context;
}

// The new order, with the titles the read model knows. A book it knows to be deleted is a 404 at once; a
// book it does not know goes to catalog, which decides.
repository::NewOrder NewOrderFor(const Placing& placing,
                                 const std::map<std::int64_t, repository::KnownBook>& books) {
  repository::NewOrder order{placing.user_id, placing.key, placing.fingerprint, placing.request.items, {}};
  std::string deleted;
  for (const RequestedItem& item : placing.request.items) {
    const auto book = books.find(item.book_id);
    if (book == books.end()) {
      continue;
    }
    if (book->second.deleted) {
      deleted += (deleted.empty() ? "" : ", ") + std::to_string(item.book_id);
    }
    order.titles.emplace(item.book_id, repository::KnownTitle{book->second.title, book->second.seller_id});
  }
  if (!deleted.empty()) {
    throw http::NotFound("book not found: " + deleted);
  }
  return order;
}

// The next requests of the same user see this one as placed and unpaid.
void CountAsPlaced(BatchContext& context, const Placing& placing) {
  UnpaidHoldings& held = context.holdings[placing.user_id];
  held.orders += 1;
  for (const RequestedItem& item : placing.request.items) {
    held.copies_by_book[item.book_id] += item.quantity;
  }
  context.placed_in_window[placing.user_id] += 1;
}

}  // namespace

void RefuseAnotherRequestsKey(const std::string& fingerprint, const std::string& used_for,
                              std::optional<std::int64_t> order_id) {
  if (fingerprint == used_for) {
    return;
  }
  throw http::UnprocessableEntity(
      "this Idempotency-Key was already used for an order with other books or quantities" +
          (order_id ? " (order " + std::to_string(*order_id) + ")" : std::string()) +
          "; use a new key for a new order",
      "Idempotency-Key");
}

std::vector<Placer::Outcome> PlaceBatch(const OrderLimits& limits, std::span<const Placing> batch,
                                        db::Connection& c) {
  BatchContext context = ReadContext(limits, batch, c);
  std::vector<Placer::Outcome> outcomes(batch.size());
  std::vector<repository::NewOrder> orders;
  std::vector<std::size_t> request_of;       // for each new order, its request's index
  std::map<UserKey, std::size_t> new_keyed;  // a key of this batch -> its new order's index
  std::vector<std::pair<std::size_t, std::size_t>> replays_in_batch;  // (request, new order it replays)
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Placing& placing = batch[i];
    try {
      if (placing.key) {
        const UserKey user_key{placing.user_id, *placing.key};
        if (const auto found = context.keyed.find(user_key); found != context.keyed.end()) {
          RefuseAnotherRequestsKey(placing.fingerprint, found->second.fingerprint, found->second.id);
          outcomes[i].result = Placement{found->second.id, true};
          continue;
        }
        if (const auto earlier = new_keyed.find(user_key); earlier != new_keyed.end()) {
          RefuseAnotherRequestsKey(placing.fingerprint, orders[earlier->second].fingerprint, std::nullopt);
          replays_in_batch.emplace_back(i, earlier->second);
          continue;
        }
      }
      CheckOrderLimits(limits, context.holdings[placing.user_id], context.placed_in_window[placing.user_id],
                       placing.request);
      orders.push_back(NewOrderFor(placing, context.books));
      request_of.push_back(i);
      CountAsPlaced(context, placing);
      if (placing.key) {
        new_keyed.emplace(UserKey{placing.user_id, *placing.key}, orders.size() - 1);
      }
    } catch (const db::Error&) {
      throw;  // the batch's trouble, not this request's
    } catch (...) {
      outcomes[i].error = std::current_exception();
    }
  }
  const std::vector<std::int64_t> ids = repository::InsertOrders(c, orders);
  std::vector<bus::Event> placed;
  placed.reserve(ids.size());
  for (std::size_t j = 0; j < ids.size(); ++j) {
    const Placing& placing = batch[request_of[j]];
    placed.push_back(
        events::PlacedEvent(ids[j], placing.user_id, placing.request.items, placing.traceparent));
    outcomes[request_of[j]].result = Placement{ids[j], false};
  }
  bus::outbox::AddAll(c, placed);
  for (const auto& [request, order] : replays_in_batch) {
    outcomes[request].result = Placement{ids[order], true};
  }
  return outcomes;
}

}  // namespace bookstore::orders::handlers
