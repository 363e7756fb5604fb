// A message body on the bus, as every consumer receives it: the CloudEvents envelope of libs/bus
// (ParseEvent, Serialize), then what the consumers do with it: the gateway's live feed (LiveFeed::Handle:
// response cache invalidation, revocations, the LiveHub fan-out to Server-Sent Event streams, formatted
// by FormatLiveEvent), orders' readers of order.stock_reserved, order.stock_rejected and book.* data, and
// catalog's readers of order.placed and order.cancelled.
//
// Input: the message body, e.g. {"specversion":"1.0","id":"e1","source":"catalog","type":"book.created",
// "time":"2026-11-27T17:00:00.123Z","data":{...}}.
//
// Invariants:
// - an accepted envelope has a usable id and routing key, and Serialize writes it back as a body that
//   parses to the same event;
// - the SSE text of an event is one event: "event:", "id:" and "data:" lines ending in exactly one blank
//   line, so no field of a message can start another event on a browser's stream;
// - book.* events reach every stream and order.* events only their owner's, anonymous streams never see an
//   order; only an auth.token_revoked naming a stream's jti ends it;
// - the consumers' readers refuse data only with their MalformedEvent, and what they accept is in range.

#include "bookstore/bus/event.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "bookstore/auth/revocation.h"
#include "bookstore/log/log.h"
#include "check.h"
#include "domain/errors.h"
#include "domain/event_data.h"
#include "domain/saga.h"
#include "filters/response_cache/response_cache.h"
#include "json_compare.h"
#include "live/feed.h"
#include "live/hub.h"

namespace {

namespace bus = bookstore::bus;
namespace gateway = bookstore::gateway;
namespace orders = bookstore::orders;
namespace catalog = bookstore::catalog;

bool Printable(std::string_view text) {
  for (const char c : text) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

void CheckEnvelope(const bus::Event& event) {
  FUZZ_CHECK(!event.id.empty() && event.id.size() <= 100 && Printable(event.id), "the id is usable");
  FUZZ_CHECK(!event.type.empty() && event.type.size() <= 255 && Printable(event.type), "the type routes");
  FUZZ_CHECK(!event.source.empty() && !event.time.empty(), "source and time are given");

  const std::string body = bus::Serialize(event);
  bus::Event again;
  try {
    again = bus::ParseEvent(body);
  } catch (const bus::BadEvent&) {
    FUZZ_CHECK(false, "Serialize writes an event ParseEvent reads");
  }
  FUZZ_CHECK(again.id == event.id && again.source == event.source && again.type == event.type &&
                 again.time == event.time,
             "the attributes survive Serialize");
  FUZZ_CHECK(SameJson(event.data, again.data), "the data survives Serialize");
}

void CheckSse(std::string_view text) {
  FUZZ_CHECK(text.size() >= 2 && text.substr(text.size() - 2) == "\n\n",
             "an SSE event ends with a blank line");
  FUZZ_CHECK(text.find("\n\n") == text.size() - 2, "an SSE event holds no other blank line");
  FUZZ_CHECK(text.find('\r') == std::string_view::npos, "an SSE event holds no CR");
  std::size_t start = 0;
  while (start < text.size() - 1) {
    const auto end = text.find('\n', start);
    const std::string_view line = text.substr(start, end - start);
    FUZZ_CHECK(line.starts_with("event: ") || line.starts_with("id: ") || line.starts_with("data: "),
               "every SSE line is a field the stream means");
    start = end + 1;
  }
}

gateway::ResponseCache& Cache() {
  static gateway::ResponseCache cache(gateway::ResponseCacheOptions{.capacity_bytes = 1 << 20});
  return cache;
}

void CheckFeed(const bus::Event& event) {
  const std::string sse = gateway::FormatLiveEvent(event);
  CheckSse(sse);

  gateway::LiveHub hub(gateway::LiveHub::Options{});
  const auto anonymous = hub.Open(0, "", "10.0.0.1", nullptr).stream;
  const auto owner = hub.Open(7, "jti-7", "10.0.0.2", nullptr).stream;
  const auto other = hub.Open(8, "jti-8", "10.0.0.3", nullptr).stream;
  FUZZ_CHECK(anonymous && owner && other, "the hub opens the streams");
  bookstore::auth::RevocationSet revocations;
  gateway::LiveFeed::Handle(event, hub, &revocations, &Cache());

  const bool book = event.type.starts_with("book.");
  const bool order = event.type.starts_with("order.");
  const std::int64_t user = gateway::EventUserId(event);
  FUZZ_CHECK(user >= 0, "EventUserId is 0 or a user id");
  for (const auto& [stream, wanted] :
       {std::pair{anonymous, book}, std::pair{owner, book || (order && user == 7)},
        std::pair{other, book || (order && user == 8)}}) {
    const auto batch = stream->Take();
    FUZZ_CHECK(batch.events.size() == (wanted ? 1U : 0U), "an event reaches exactly the streams it is for");
    if (wanted) FUZZ_CHECK(*batch.events.front() == sse, "a stream gets the event's SSE text");
    if (batch.end == gateway::LiveStream::End::kRevoked) {
      const auto* data = event.data.if_object();
      const auto* jti = data != nullptr ? data->if_contains("jti") : nullptr;
      FUZZ_CHECK(event.type == "auth.token_revoked" && jti != nullptr && jti->is_string() &&
                     jti->as_string() == stream->token_id(),
                 "only a revocation of its own token ends a stream");
    } else {
      FUZZ_CHECK(batch.end == gateway::LiveStream::End::kNone, "nothing else ends a stream");
    }
  }
}

void CheckConsumers(const bus::Event& event) {
  try {
    const auto reserved = orders::ParseStockReserved(event.data);
    FUZZ_CHECK(!reserved.items.empty() && reserved.order_id > 0 && reserved.user_id > 0, "reserved ids");
    for (const auto& item : reserved.items) {
      FUZZ_CHECK(item.book_id > 0 && item.seller_id > 0 && item.quantity > 0 && item.unit_price_cents >= 0,
                 "a reserved item is in range");
    }
    FUZZ_CHECK(reserved.total_cents >= 0, "the total is not negative");
  } catch (const orders::MalformedEvent&) {
  }
  try {
    const auto rejected = orders::ParseStockRejected(event.data);
    FUZZ_CHECK(rejected.reason == "insufficient_stock" || rejected.reason == "book_not_found",
               "a known reason");
  } catch (const orders::MalformedEvent&) {
  }
  try {
    const auto book = orders::ParseBookEvent(event.data, event.type == "book.deleted");
    FUZZ_CHECK(book.id > 0 && book.price_cents >= 0 && book.version > 0, "a book in range");
    FUZZ_CHECK(book.deleted || event.type != "book.deleted", "book.deleted deletes");
  } catch (const orders::MalformedEvent&) {
  }
  try {
    const auto placed = catalog::ParseOrderPlaced(event.data);
    FUZZ_CHECK(!placed.items.empty(), "an order has items");
    for (std::size_t i = 0; i < placed.items.size(); ++i) {
      FUZZ_CHECK(placed.items[i].quantity > 0 && placed.items[i].quantity <= catalog::kMaxItemQuantity,
                 "a quantity is in range");
      FUZZ_CHECK(i == 0 || placed.items[i - 1].book_id < placed.items[i].book_id, "items are by book, once");
    }
  } catch (const catalog::MalformedEvent&) {
  }
  try {
    const auto cancelled = catalog::ParseOrderCancelled(event.data);
    FUZZ_CHECK(cancelled.order_id > 0 && cancelled.user_id > 0, "cancelled ids");
  } catch (const catalog::MalformedEvent&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  bookstore::log::SetLevel("error");  // the feed logs odd events; fuzzing makes nothing but those
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  bus::Event event;
  try {
    event = bus::ParseEvent(body);
  } catch (const bus::BadEvent&) {
    return 0;
  }
  CheckEnvelope(event);
  CheckFeed(event);
  CheckConsumers(event);
  return 0;
}
