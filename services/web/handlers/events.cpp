// GET /events: the browser's live updates. The page's script may only talk to web (CSP connect-src
// 'self'), and the token stays in the HttpOnly session, so web opens the gateway's stream with the
// session's token and relays it byte for byte: public book.* events, and the user's own order.* events.

#include "bookstore/log/log.h"
#include "handlers/routes.h"

namespace bookstore::web {
namespace {

http::Awaitable<http::Response> EventStream(http::Context& ctx, const WebDeps& deps) {
  const Session& session = SessionOf(ctx);
  const std::string client = ClientAddress(ctx);
  // Named variables, not temporaries, as the coroutine's arguments: g++ 12 mishandles a temporary made
  // by a conditional expression when it is moved into a coroutine frame.
  const std::string anonymous;
  const std::string& token = session.LoggedIn() ? session.token : anonymous;
  auto upstream = co_await deps.api.OpenEvents(token, ctx, client);
  if (upstream.head().result() == http::Status::unauthorized && !token.empty()) {
    // The token expired or was revoked: public events still flow; the next page view logs out.
    upstream = co_await deps.api.OpenEvents(anonymous, ctx, client);
  }
  if (upstream.head().result() != http::Status::ok) {
    log::Warn("gateway refused the event stream",
              http::RequestLogFields(ctx, {{"status", upstream.head().result_int()}}));
    http::Response refused =
        http::TextResponse("live updates are unavailable\n", http::Status::service_unavailable);
    refused.set(http::Field::retry_after, "5");
    co_return refused;
  }
  auto events = co_await ctx.StartEventStream();
  // Ask the browser to come back soon when the stream ends (gateway restart, token expiry).
  if (!co_await events.Write("retry: 2000\n\n")) co_return http::Response{};
  while (auto piece = co_await upstream.Next()) {
    if (!co_await events.Write(*piece)) break;
  }
  co_return http::Response{};
}

}  // namespace

void AddEventStream(http::Server& server, const WebDeps& deps) {
  server.Get("/events", WithDeps<EventStream>(deps));
}

}  // namespace bookstore::web
