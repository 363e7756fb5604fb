#pragma once
// Web's only way out: the public API of the gateway (docs/design.md §2), on the gateway's replicas as
// libs/http's Cluster picks them (round robin, passive health), as the gateway picks its upstreams.
//
//   const ApiCall call = ApiCall::Get("/books?limit=8");
//   ApiResult books = co_await api.Call(call, ctx);
//   if (!books.ok()) ... books.ErrorMessage(), books.ErrorField() (the problem body's "error", "field")
//
// Any HTTP status is a normal result; only a gateway that cannot be reached (or answers too late) throws
// http::UpstreamError, which the error pages turn into a friendly 503/504. Anonymous reads of public
// answers may come from web's AnswerCache (gateway/answer_cache.h), kept fresh by FollowEvents().

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/http/client.h"
#include "bookstore/http/cluster.h"
#include "bookstore/http/context.h"
#include "gateway/answer_cache.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace bookstore::web {

// One call to the API. Built with the factories below into a named variable, then passed by reference:
// g++ 12 mishandles temporaries (aggregates, lambdas, conditional results) passed by value into a
// coroutine or living across a co_await, so web's coroutines take their arguments by reference to
// variables of the caller.
class ApiCall {
 public:
  static ApiCall Get(std::string target) { return {http::Verb::get, std::move(target), {}}; }
  static ApiCall Post(std::string target, std::string body = {}) {
    return {http::Verb::post, std::move(target), std::move(body)};
  }
  static ApiCall Put(std::string target, std::string body) {
    return {http::Verb::put, std::move(target), std::move(body)};
  }
  static ApiCall Delete(std::string target) { return {http::Verb::delete_, std::move(target), {}}; }

  // Sent as Idempotency-Key.
  ApiCall&& WithIdempotencyKey(std::string key) && {
    idempotency_key = std::move(key);
    return std::move(*this);
  }
  // Where a page should come back to after a login that this call turned out to need (CallApi).
  ApiCall&& AfterLogin(std::string path) && {
    next = std::move(path);
    return std::move(*this);
  }
  // The bearer token; CallApi (handlers/common.h) adds the session's.
  ApiCall&& WithToken(std::string bearer) && {
    token = std::move(bearer);
    return std::move(*this);
  }
  // The answer does not depend on who asks (a catalog read): see CallApi (handlers/common.h).
  ApiCall&& Public() && {
    is_public = true;
    return std::move(*this);
  }
  // Always from the gateway, never from web's AnswerCache (live.js refetching a page after an event).
  ApiCall&& Uncached() && {
    may_use_cache = false;
    return std::move(*this);
  }

  http::Verb method;
  std::string target;           // path and query, e.g. "/books/42"
  std::string body;             // JSON text; empty: no body
  std::string token;            // bearer token; empty: anonymous
  std::string idempotency_key;  // sent as Idempotency-Key when not empty
  std::string next = "/";       // see AfterLogin
  bool may_use_cache = true;    // see Uncached
  bool is_public = false;       // see Public

 private:
  ApiCall(http::Verb verb, std::string path, std::string json)
      : method(verb), target(std::move(path)), body(std::move(json)) {}
};

// An answer, possibly shared with other requests (from the AnswerCache): read-only.
using SharedJson = std::shared_ptr<const boost::json::value>;

struct ApiResult {
  int status = 0;
  SharedJson shared_body;         // the parsed JSON body; null when there is none or it is not JSON
  std::int64_t total_count = -1;  // X-Total-Count, when present

  // The body, or JSON null.
  [[nodiscard]] const boost::json::value& body() const;
  [[nodiscard]] bool ok() const { return status >= 200 && status < 300; }
  // The problem's human message ("error", else "detail"), else a generic one for the status.
  [[nodiscard]] std::string ErrorMessage() const;
  // The problem's "field" (the form field at fault), or "".
  [[nodiscard]] std::string ErrorField() const;
};

class GatewayApi {
 public:
  // `gateways`: the gateway's replicas (GATEWAY_URLS); throws std::invalid_argument when it has no URL.
  // A non-empty proxy_secret goes with every call (X-Proxy-Secret), so the gateway believes the client
  // address web passes on. `gateways` and `cache` (may be null: none) must outlive this.
  GatewayApi(http::Client& client, http::Cluster& gateways, std::chrono::milliseconds timeout,
             std::string proxy_secret = {}, AnswerCache* cache = nullptr);

  // Sends the call with the request's id and client address (X-Request-ID, X-Forwarded-For), unless an
  // anonymous GET finds its answer in the cache; keeps public answers; a write empties the cache.
  http::Awaitable<ApiResult> Call(const ApiCall& call, const http::Context& ctx);

  // Follows the gateway's live events for as long as it runs (reconnecting after a second when the
  // stream ends): the cache is live while the stream is open, and every event empties it. Does nothing
  // without a cache.
  http::Awaitable<void> FollowEvents();

  // GET /events as a stream (Server-Sent Events), with the session's token when there is one. Like Call,
  // it reports each attempt's outcome to the cluster; a replica that cannot be reached or answers 503
  // (draining, at its stream limit) is passed over for the next one while one is left.
  // The strings must outlive the call (pass named variables of the caller).
  http::Awaitable<http::ResponseStream> OpenEvents(const std::string& token, const http::Context& ctx,
                                                   const std::string& client_address);

  // Blocking (for /readyz, which runs off the network threads): whether a gateway answers GET /healthz.
  [[nodiscard]] bool Healthy(boost::asio::io_context& io) const;

  [[nodiscard]] std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  // The replica for the next attempt of a call: one the cluster picks that the call has not `tried` (a
  // connection that fails before anything is sent goes to the next one, whatever the method). Throws
  // `last` (the previous attempt's failure) when none is left, or a connection error when there is none.
  std::shared_ptr<http::Replica> NextReplica(std::vector<const http::Replica*>& tried,
                                             const std::optional<http::UpstreamError>& last) const;
  // X-Request-ID, X-Forwarded-For and X-Proxy-Secret of a call made for `ctx`'s client.
  void SetForwardingHeaders(http::Request& request, const http::Context& ctx,
                            const std::string& client_address) const;
  // The answer as a result; a public one is kept in the cache.
  ApiResult Read(const ApiCall& call, http::Response& response,
                 std::optional<AnswerCache::Stamp> stamp) const;
  // One stream of events, until it ends; what went wrong (throws when the connection breaks).
  http::Awaitable<std::string> FollowStream();

  http::Client& client_;
  AnswerCache* cache_;
  http::Cluster& gateways_;
  std::chrono::milliseconds timeout_;
  std::string proxy_secret_;
};

// The client address web saw for this request (set by the middleware from the peer or a trusted proxy's
// X-Forwarded-For), for the gateway's per-client rate limits.
std::string ClientAddress(const http::Context& ctx);

}  // namespace bookstore::web
