#pragma once
// The replica's one bus Subscriber (its own auto-delete queue, bound to book.*, order.* and
// auth.token_revoked) and what it does with each event:
//   auth.token_revoked -> the revocation set checked on every request, and the end of the live streams
//                         opened with that token;
//   book.*             -> the response cache (the book's entries and every listing), then the LiveHub, so
//                         a client reacting to the live event already reads the new version here;
//   order.*            -> the LiveHub (GET /events).
// After each (re)connection the owner's on_connected reloads the revocations from auth and empties the
// response cache (events may have been missed meanwhile).

#include <functional>

#include "bookstore/auth/revocation.h"
#include "bookstore/bus/consumer.h"
#include "bookstore/bus/options.h"
#include "filters/response_cache/response_cache.h"
#include "live/hub.h"

namespace bookstore::gateway {

class LiveFeed {
 public:
  // `revocations` may be null (no auth configured), `cache` too (RESPONSE_CACHE_BYTES=0). `on_connected`
  // runs on the subscriber's thread after every (re)connection. Everything given must outlive the feed.
  LiveFeed(const bus::Options& options, LiveHub& hub, auth::RevocationSet* revocations, ResponseCache* cache,
           std::function<void()> on_connected);

  [[nodiscard]] bool Connected() const { return subscriber_.Connected(); }
  [[nodiscard]] bus::ConsumerStats Stats() const { return subscriber_.Stats(); }

  // What the subscriber calls for each event (public for tests).
  static void Handle(const bus::Event& event, LiveHub& hub, auth::RevocationSet* revocations,
                     ResponseCache* cache = nullptr);

 private:
  bus::Subscriber subscriber_;
};

}  // namespace bookstore::gateway
