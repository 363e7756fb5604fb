#pragma once
// Filter "router" (the terminal one, as in Envoy): the public route table of docs/design.md §2 and the proxy
// that forwards a request to a replica of its cluster.
//
//   /auth/*, /users          -> auth         /books, /books/*                     -> catalog
//   /orders, /orders/*,      -> orders       /events                              -> the gateway (live/)
//   /delivery-providers
// Nothing else is routed: /internal/* and unknown paths are 404 problems; a cluster without URLs answers
// 503.
//
// Forwarding: hop-by-hop headers are dropped both ways, X-Request-ID is set to the request's id, the
// Authorization header goes on unchanged (services verify the token themselves). Attempts: a replica is
// picked round-robin (cluster.h); a failed connection is retried on another replica whatever the method
// (nothing was sent); a broken connection or a 502/503/504 answer is retried once on another replica for
// idempotent methods only (GET, HEAD, PUT, DELETE, OPTIONS). Connection failure -> 503 problem, timeout ->
// 504, broken -> 502. The whole request, retries included, gets `request_timeout`.

#include <chrono>

#include "bookstore/http/client.h"
#include "bookstore/http/cluster.h"
#include "bookstore/http/server.h"

namespace bookstore::gateway {

struct ProxyOptions {
  std::chrono::milliseconds request_timeout{10'000};
  int max_attempts = 3;  // replicas tried at most per request (1..8)
};

class Proxy {
 public:
  // `client` must outlive the proxy.
  Proxy(http::Client& client, ProxyOptions options);

  http::Awaitable<http::Response> Forward(http::Context& ctx, http::Cluster& cluster);
  // A route handler forwarding to `cluster` (which must outlive the server).
  http::Handler To(http::Cluster& cluster);

 private:
  http::Client& client_;
  ProxyOptions options_;
};

struct Clusters {
  http::Cluster& auth;
  http::Cluster& catalog;
  http::Cluster& orders;
};

// Registers the proxied public routes on `server` (GET /events is registered by live/).
void AddProxyRoutes(http::Server& server, Proxy& proxy, const Clusters& clusters);

bool IsIdempotent(http::Verb method);

}  // namespace bookstore::gateway
