#pragma once
// What the gateway's filters learn about one request and share with each other (Envoy's "stream info"):
// created by the outermost filter (access_log) in its own coroutine frame, so it costs no allocation, and
// reachable from the Context through one pointer attribute.

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bookstore/http/context.h"

namespace bookstore::http {
class Replica;
}  // namespace bookstore::http

namespace bookstore::gateway {

struct RequestState {
  std::string client_ip;                          // filters/client_ip
  std::shared_ptr<const http::Replica> upstream;  // filters/router: the replica that answered (or failed)
  int attempts = 0;                               // filters/router: replicas tried
  std::string_view cache;  // filters/response_cache: "hit", "miss", "bypass" ("" when off)
};

inline constexpr std::string_view kRequestStateAttribute = "gateway.state";

// Makes `state` the request's state (the access_log filter; tests that call a single filter).
inline void AttachState(http::Context& ctx, RequestState& state) {
  ctx.Set<RequestState*>(std::string(kRequestStateAttribute), &state);
}

// The request's state. Throws std::logic_error (a wiring mistake: 500) when none was attached.
inline RequestState& StateOf(http::Context& ctx) {
  if (auto** state = ctx.Get<RequestState*>(kRequestStateAttribute)) return **state;
  throw std::logic_error("no gateway request state: the access_log filter must come first");
}

}  // namespace bookstore::gateway
