#include "live/feed.h"

#include "bookstore/authn/authn.h"
#include "bookstore/log/log.h"

namespace bookstore::gateway {
namespace {

// Before the hub publishes the event. A book event without a usable id still changes some listing; with
// no way to tell which book, everything goes.
void InvalidateBook(const bus::Event& event, ResponseCache& cache) {
  if (const auto id = bus::DataId(event)) {
    cache.InvalidateBook(*id);
    return;
  }
  log::Warn("book event without an id: response cache cleared",
            {{"event_id", event.id}, {"type", event.type}});
  cache.Clear();
}

}  // namespace

LiveFeed::LiveFeed(const bus::Options& options, LiveHub& hub, auth::RevocationSet* revocations,
                   ResponseCache* cache, std::function<void()> on_connected)
    : subscriber_(
          options, {"book.*", "order.*", "auth.token_revoked"},
          [&hub, revocations, cache](const bus::Event& event) { Handle(event, hub, revocations, cache); },
          std::move(on_connected)) {}

void LiveFeed::Handle(const bus::Event& event, LiveHub& hub, auth::RevocationSet* revocations,
                      ResponseCache* cache) {
  if (cache != nullptr && event.type.starts_with("book.")) InvalidateBook(event, *cache);
  if (event.type != "auth.token_revoked") {
    hub.Publish(event);
    return;
  }
  if (!event.data.is_object()) {
    log::Warn("auth.token_revoked without data", {{"event_id", event.id}});
    return;
  }
  const auto& data = event.data.as_object();
  if (revocations != nullptr && !authn::ApplyTokenRevoked(data, *revocations)) {
    log::Warn("malformed auth.token_revoked", {{"event_id", event.id}});
    return;
  }
  const auto* jti = data.if_contains("jti");
  if (jti != nullptr && jti->is_string()) hub.Revoke(jti->as_string(), EventUserId(event));
}

}  // namespace bookstore::gateway
