#pragma once
// The write of POST /orders, for a batch of requests at once (db::Batcher: one transaction and about ten
// statements whatever the batch's size, instead of ten per order). Each request is decided as if it were
// alone, in arrival order: its Idempotency-Key replay, its limits (counting the orders of the same user
// earlier in the batch), the books the read model knows to be deleted. A refused request gets its own
// error and writes nothing; the others are inserted together with their order.placed events.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bookstore/db/batcher.h"
#include "bookstore/db/db.h"
#include "domain/order_limits.h"
#include "domain/order_request.h"

namespace bookstore::orders::handlers {

// One POST /orders, parsed and authenticated.
struct Placing {
  std::int64_t user_id = 0;
  OrderRequest request;
  std::optional<std::string> key;  // Idempotency-Key
  std::string fingerprint;         // of the request, to tell a replay from a reuse of its key
  std::string traceparent;
};

struct Placement {
  std::int64_t order_id = 0;
  bool replayed = false;  // an earlier request with the same Idempotency-Key made it
};

using Placer = db::Batcher<Placing, Placement>;

// 422 unless the request's fingerprint is that of the one its Idempotency-Key was first used for
// (`order_id`: that request's order, when it has one yet).
void RefuseAnotherRequestsKey(const std::string& fingerprint, const std::string& used_for,
                              std::optional<std::int64_t> order_id);

// Placer's batch handler. Refusals (in each request's outcome): http::UnprocessableEntity (the key names
// another request), OrderLimitExceeded, http::NotFound (a book known to be deleted). Two requests with the
// same new key at once on two replicas collide on the unique index: the batch then throws db::Error with
// IsDuplicateKey() (and Placer runs each of its requests again alone).
std::vector<Placer::Outcome> PlaceBatch(const OrderLimits& limits, std::span<const Placing> batch,
                                        db::Connection& c);

}  // namespace bookstore::orders::handlers
