#include "filters/router/router.h"

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/http/error.h"
#include "filters/request_state.h"

namespace bookstore::gateway {
namespace {

using http::Field;

constexpr std::size_t kMaxAttempts = 8;

constexpr std::array kProxiedMethods{http::Verb::get,   http::Verb::post,    http::Verb::put,
                                     http::Verb::patch, http::Verb::delete_, http::Verb::options};

struct RouteEntry {
  std::string_view pattern;
  http::Cluster& cluster;
};

bool IsHopByHop(Field name) {
  switch (name) {
    case Field::connection:
    case Field::keep_alive:
    case Field::proxy_connection:
    case Field::te:
    case Field::trailer:
    case Field::transfer_encoding:
    case Field::upgrade:
      return true;
    default:
      return false;
  }
}

// Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus those the Connection
// header names and `also` (what the request must not carry on), in one pass over the fields: the common
// message has none of them, and looking each name up would cost a search per name.
template <typename Message>
void EraseHopByHop(Message& message, std::initializer_list<Field> also = {}) {
  std::vector<std::string> named;  // allocates only for a Connection that names fields
  for (auto it = message.begin(); it != message.end();) {
    const Field name = it->name();
    if (name == Field::connection) {
      const std::string_view value = it->value();
      if (!boost::beast::iequals(value, "keep-alive") && !boost::beast::iequals(value, "close")) {
        for (const auto& token : boost::beast::http::token_list(value)) named.emplace_back(token);
      }
    }
    const bool erase = IsHopByHop(name) || std::find(also.begin(), also.end(), name) != also.end();
    it = erase ? message.erase(it) : std::next(it);
  }
  for (const auto& name : named) message.erase(name);
}

void PrepareUpstreamRequest(http::Request& request, const http::Context& ctx) {
  // Expect: the whole body is already here, and an interim 100 Continue from upstream would only confuse
  // the client.
  EraseHopByHop(request, {Field::expect, Field::proxy_authorization});
  request.set(http::kRequestIdHeader, ctx.request_id());
}

bool IsRetriableStatus(unsigned status) { return status == 502 || status == 503 || status == 504; }

[[noreturn]] void ThrowFor(http::Outcome outcome, const http::Cluster& cluster) {
  switch (outcome) {
    case http::Outcome::kTimeout:
      throw http::GatewayTimeout(cluster.name() + " did not answer in time");
    case http::Outcome::kBroken:
    case http::Outcome::kDropped:
      throw http::BadGateway(cluster.name() + " connection failed");
    default:
      throw http::ServiceUnavailable(cluster.name() + " is unavailable");
  }
}

}  // namespace

bool IsIdempotent(http::Verb method) {
  switch (method) {
    case http::Verb::get:
    case http::Verb::head:
    case http::Verb::put:
    case http::Verb::delete_:
    case http::Verb::options:
      return true;
    default:
      return false;
  }
}

Proxy::Proxy(http::Client& client, ProxyOptions options) : client_(client), options_(options) {
  if (options_.max_attempts < 1) options_.max_attempts = 1;
  if (options_.max_attempts > static_cast<int>(kMaxAttempts)) options_.max_attempts = kMaxAttempts;
}

http::Handler Proxy::To(http::Cluster& cluster) {
  return [this, &cluster](http::Context& ctx) { return Forward(ctx, cluster); };
}

http::Awaitable<http::Response> Proxy::Forward(http::Context& ctx, http::Cluster& cluster) {
  if (!cluster.Configured()) throw http::ServiceUnavailable(cluster.name() + " is not configured");
  auto& state = StateOf(ctx);
  http::Request& original = ctx.request();
  const bool idempotent = IsIdempotent(original.method());
  PrepareUpstreamRequest(original, ctx);

  const auto deadline = http::SteadyClock::now() + options_.request_timeout;
  std::array<const http::Replica*, kMaxAttempts> tried{};
  std::size_t tried_count = 0;
  bool second_chance_used = false;  // the one retry allowed after the upstream may have seen the request
  http::Outcome last = http::Outcome::kConnectFailure;
  while (tried_count < static_cast<std::size_t>(options_.max_attempts)) {
    const auto now = http::SteadyClock::now();
    auto replica = cluster.Pick(now, std::span<const http::Replica* const>(tried.data(), tried_count));
    if (!replica) break;
    if (now >= deadline) {
      last = http::Outcome::kTimeout;
      break;
    }
    tried.at(tried_count++) = replica.get();
    state.upstream = replica;
    state.attempts = static_cast<int>(tried_count);
    // Another attempt needs the request again, so it is copied only when one could follow; the last
    // possible attempt sends the original.
    const bool may_retry =
        tried_count < static_cast<std::size_t>(options_.max_attempts) && tried_count < cluster.Size();
    // Moved only on the last possible attempt, which returns or breaks: `original` is not read again.
    // NOLINTNEXTLINE(bugprone-use-after-move)
    http::Request request = may_retry ? http::Request(original) : std::move(original);
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    try {
      http::Response response = co_await client_.Send(replica->upstream(), std::move(request), timeout);
      const unsigned status = response.result_int();
      last = http::OutcomeOfStatus(status);
      cluster.Report(*replica, last, http::SteadyClock::now());
      if (may_retry && idempotent && !second_chance_used && IsRetriableStatus(status)) {
        second_chance_used = true;
        continue;
      }
      EraseHopByHop(response);
      co_return response;
    } catch (const http::UpstreamError& error) {
      last = http::OutcomeOf(error);
      cluster.Report(*replica, last, http::SteadyClock::now());
      if (!may_retry) break;
      if (last == http::Outcome::kConnectFailure) continue;
      if ((last == http::Outcome::kBroken || last == http::Outcome::kDropped) && idempotent &&
          !second_chance_used) {
        second_chance_used = true;
        continue;
      }
      break;
    }
  }
  if (tried_count == 0 && last == http::Outcome::kConnectFailure) {
    throw http::ServiceUnavailable(cluster.name() + " has no replicas");
  }
  ThrowFor(last, cluster);
}

void AddProxyRoutes(http::Server& server, Proxy& proxy, const Clusters& clusters) {
  const std::array<RouteEntry, 9> routes{{
      {"/auth/{path...}", clusters.auth},
      {"/users", clusters.auth},
      {"/users/{path...}", clusters.auth},
      {"/books", clusters.catalog},
      {"/books/{path...}", clusters.catalog},
      {"/orders", clusters.orders},
      {"/orders/{path...}", clusters.orders},
      {"/delivery-providers", clusters.orders},
      {"/delivery-providers/{path...}", clusters.orders},
  }};
  for (const auto& route : routes) {
    for (const auto method : kProxiedMethods) server.Handle(method, route.pattern, proxy.To(route.cluster));
  }
}

}  // namespace bookstore::gateway
