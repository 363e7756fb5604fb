#pragma once
// GET /events: the live stream of docs/design.md §2 as Server-Sent Events, served by the gateway itself.
//
// Anyone gets the public book.* changes; a caller with a valid token (Authorization: Bearer, checked by
// the authn filter, or ?access_token= for browsers' EventSource, which cannot send headers) also gets
// their own order.* events. Each event: "event: <type>", "id: <event id>", "data: <the event's data as
// JSON>". A comment (": keep-alive") every `heartbeat` keeps proxies from closing an idle stream. The
// stream ends when its token expires or is revoked (logout), when the client falls too far behind
// (LiveHub queue limit), and at shutdown.

#include <chrono>

#include "bookstore/authn/authn.h"
#include "bookstore/http/server.h"
#include "live/hub.h"

namespace bookstore::gateway {

struct EventsOptions {
  std::chrono::milliseconds heartbeat{15'000};
};

class EventsEndpoint {
 public:
  // `authenticator` may be null (no AUTH_URLS: anonymous streams only). Both must outlive the server.
  EventsEndpoint(LiveHub& hub, authn::Authenticator* authenticator, EventsOptions options);

  void Register(http::Server& server);
  http::Awaitable<http::Response> Handle(http::Context& ctx);

 private:
  http::Awaitable<std::optional<authn::Identity>> Caller(http::Context& ctx);

  LiveHub& hub_;
  authn::Authenticator* authenticator_;
  EventsOptions options_;
};

}  // namespace bookstore::gateway
