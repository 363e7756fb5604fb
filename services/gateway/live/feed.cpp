#include "live/feed.h"

#include "bookstore/authn/authn.h"
#include "bookstore/log/log.h"

namespace bookstore::gateway {

LiveFeed::LiveFeed(const bus::Options& options, LiveHub& hub, auth::RevocationSet* revocations,
                   std::function<void()> on_connected)
    : subscriber_(
          options, {"book.*", "order.*", "auth.token_revoked"},
          [&hub, revocations](const bus::Event& event) { Handle(event, hub, revocations); },
          std::move(on_connected)) {}

void LiveFeed::Handle(const bus::Event& event, LiveHub& hub, auth::RevocationSet* revocations) {
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
