#include "live/events_endpoint.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <string_view>

#include "bookstore/http/error.h"
#include "filters/request_state.h"

namespace bookstore::gateway {
namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

// The timer a stream sleeps on; shared with the hub's wake-up, which may run after the stream ended.
struct Waiter {
  explicit Waiter(const net::any_io_executor& executor) : timer(executor) {}
  net::steady_timer timer;
};

std::string_view EndComment(LiveStream::End end) {
  switch (end) {
    case LiveStream::End::kOverflow:
      return "dropped: too far behind";
    case LiveStream::End::kRevoked:
      return "token revoked";
    default:
      return "closing";
  }
}

class Registration {
 public:
  Registration(LiveHub& hub, std::shared_ptr<LiveStream> stream) : hub_(hub), stream_(std::move(stream)) {}
  ~Registration() { hub_.Close(stream_); }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  LiveHub& hub_;
  std::shared_ptr<LiveStream> stream_;
};

// The client's address as the client_ip filter found it (the peer's when the filter did not run).
std::string ClientOf(http::Context& ctx) {
  if (auto** state = ctx.Get<RequestState*>(kRequestStateAttribute);
      state != nullptr && !(*state)->client_ip.empty()) {
    return (*state)->client_ip;
  }
  return std::string(ctx.remote_address());
}

// A cap of this client or user is theirs to lift (429: close a stream); a full replica is everyone's (503).
void RefuseUnlessOpened(LiveHub::Opened::Refusal refusal) {
  using Refusal = LiveHub::Opened::Refusal;
  switch (refusal) {
    case Refusal::kNone:
      return;
    case Refusal::kClientLimit:
      throw http::TooManyRequests("too many live streams from this address", 5,
                                  "EVENTS_MAX_STREAMS_PER_CLIENT");
    case Refusal::kUserLimit:
      throw http::TooManyRequests("too many live streams for this user", 5, "EVENTS_MAX_STREAMS_PER_USER");
    case Refusal::kFull:
      break;
  }
  throw http::Error(http::Status::service_unavailable, "too many live streams; try again later",
                    {{"limit", "EVENTS_MAX_STREAMS"}})
      .WithHeader("Retry-After", "5");
}

}  // namespace

EventsEndpoint::EventsEndpoint(LiveHub& hub, authn::Authenticator* authenticator, EventsOptions options)
    : hub_(hub), authenticator_(authenticator), options_(options) {
  options_.heartbeat = std::max(options_.heartbeat, std::chrono::milliseconds(100));
}

void EventsEndpoint::Register(http::Server& server) {
  server.Get("/events", [this](http::Context& ctx) { return Handle(ctx); });
}

http::Awaitable<std::optional<authn::Identity>> EventsEndpoint::Caller(http::Context& ctx) {
  if (const auto* identity = authn::CurrentIdentity(ctx)) co_return *identity;
  const auto token = ctx.Query("access_token");
  if (!token || token->empty()) co_return std::nullopt;
  if (authenticator_ == nullptr) {
    throw http::ServiceUnavailable("credentials cannot be checked: auth is not configured");
  }
  auto result = co_await authenticator_->Verify(*token);
  if (!result) throw http::Unauthorized("invalid or expired token");
  co_return authn::Identity::FromClaims(result.Value());
}

http::Awaitable<http::Response> EventsEndpoint::Handle(http::Context& ctx) {
  const auto identity = co_await Caller(ctx);
  const auto executor = co_await net::this_coro::executor;
  auto waiter = std::make_shared<Waiter>(executor);
  auto wake = [executor, weak = std::weak_ptr<Waiter>(waiter)] {
    net::post(executor, [weak] {
      if (auto alive = weak.lock()) alive->timer.cancel();
    });
  };
  auto opened = hub_.Open(identity ? identity->user_id : 0, identity ? identity->jti : std::string(),
                          ClientOf(ctx), wake);
  RefuseUnlessOpened(opened.refusal);
  auto stream = std::move(opened.stream);
  const Registration registration(hub_, stream);
  // A logout that happened between the token check and Open would have found no stream to end.
  if (identity && authenticator_ != nullptr && authenticator_->Revocations().IsRevoked(identity->jti)) {
    throw http::Unauthorized("token was revoked");
  }

  auto events = co_await ctx.StartEventStream();
  if (!co_await events.Write(http::FormatComment("connected"))) co_return http::Response{};
  auto next_heartbeat = Clock::now() + options_.heartbeat;
  for (;;) {
    auto batch = stream->Take();
    for (const auto& text : batch.events) {
      if (!co_await events.Write(*text)) co_return http::Response{};
    }
    if (batch.end != LiveStream::End::kNone) {
      co_await events.Write(http::FormatComment(EndComment(batch.end)));
      co_return http::Response{};
    }
    if (!batch.events.empty()) continue;  // look again before sleeping: more may have come meanwhile

    const auto now = Clock::now();
    auto wake_at = next_heartbeat;
    if (identity) {
      const auto left = identity->exp - std::chrono::system_clock::now();
      if (left <= Clock::duration::zero()) {
        co_await events.Write(http::FormatComment("token expired"));
        co_return http::Response{};
      }
      wake_at = std::min(wake_at, now + std::chrono::duration_cast<Clock::duration>(left));
    }
    if (now >= next_heartbeat) {
      if (!co_await events.Write(http::FormatComment())) co_return http::Response{};
      next_heartbeat = now + options_.heartbeat;
      continue;
    }
    // No suspension since Take(): a wake posted from now on finds this wait and cancels it.
    waiter->timer.expires_at(wake_at);
    co_await waiter->timer.async_wait(net::as_tuple(net::use_awaitable));
    if (!events.IsOpen()) co_return http::Response{};
  }
}

}  // namespace bookstore::gateway
