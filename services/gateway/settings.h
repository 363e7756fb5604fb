#pragma once
// Every setting of the gateway, read from the environment (libs/config: NAME or NAME_FILE; --help lists
// them all).

#include <chrono>
#include <string>
#include <vector>

#include "bookstore/authn/authn.h"
#include "bookstore/bus/options.h"
#include "bookstore/http/client.h"
#include "bookstore/http/cluster.h"
#include "bookstore/http/server.h"
#include "filters/rate_limit/rate_limit.h"
#include "filters/response_cache/response_cache.h"
#include "filters/router/router.h"
#include "live/events_endpoint.h"
#include "live/hub.h"

namespace bookstore::config {
class Env;
}

namespace bookstore::gateway {

struct Settings {
  http::ServerOptions server;

  // Upstreams: base URLs of each service's replicas, or one host name resolving to all of them.
  std::vector<std::string> auth_urls;
  std::vector<std::string> catalog_urls;
  std::vector<std::string> orders_urls;
  std::chrono::milliseconds dns_refresh{5'000};
  http::ClientOptions client;
  ProxyOptions proxy;
  http::HealthPolicy health;

  authn::Settings tokens;  // issuer and audience (auth_url comes from auth_urls)
  std::size_t token_cache_size = 10'000;
  bus::Options bus;

  std::vector<std::string> trusted_proxies;  // IPs and CIDR ranges allowed to set X-Forwarded-For
  std::string trusted_proxy_secret;          // what they must also present in X-Proxy-Secret ("": nothing)
  RateLimits limits;
  ResponseCacheOptions response_cache;

  EventsOptions events;
  LiveHub::Options hub;
};

// Declares and reads every setting; problems are reported by env.Finish().
Settings ReadSettings(config::Env& env);

}  // namespace bookstore::gateway
