// The gateway: wiring only. Filters run in this order on every routed request (Envoy-style, one folder
// each under filters/): access_log -> client_ip -> rate_limit -> authn -> response_cache -> router (the
// proxy), or the gateway's own GET /events (live/). /healthz, /readyz and /metrics bypass them.

#include "bookstore/service/main.h"

#include <memory>
#include <string>

#include "bookstore/authn/authn.h"
#include "bookstore/authn/revocation_sync.h"
#include "bookstore/config/env.h"
#include "bookstore/http/client.h"
#include "bookstore/http/client_address.h"
#include "bookstore/http/cluster.h"
#include "bookstore/http/resolver.h"
#include "bookstore/http/server.h"
#include "bookstore/log/log.h"
#include "filters/access_log/access_log.h"
#include "filters/authn/authn.h"
#include "filters/client_ip/client_ip.h"
#include "filters/rate_limit/rate_limit.h"
#include "filters/response_cache/response_cache.h"
#include "filters/router/router.h"
#include "live/events_endpoint.h"
#include "live/feed.h"
#include "live/hub.h"
#include "openapi/openapi_endpoint.h"
#include "settings.h"

namespace bookstore::gateway {
namespace {

std::string JoinUrls(const std::vector<std::string>& urls) {
  std::string joined;
  for (const auto& url : urls) {
    if (!joined.empty()) joined += ',';
    joined += url;
  }
  return joined;
}

// The gauges reading the clusters, the hub and the authenticator: they live as long as the returned
// registrations, which Run() declares after what they read.
using Gauges = std::vector<http::GaugeRegistration>;

Gauges AddLiveGauges(const LiveHub& hub, const authn::Authenticator* authenticator) {
  auto& metrics = http::Metrics();
  Gauges gauges;
  gauges.push_back(metrics.AddGaugeFunction("gateway_live_streams", "Open GET /events streams",
                                            [&hub] { return static_cast<double>(hub.GetStats().streams); }));
  if (authenticator != nullptr) {
    gauges.push_back(metrics.AddGaugeFunction(
        "gateway_token_signature_checks", "Full token verifications (cache misses) since start",
        [authenticator] { return static_cast<double>(authenticator->Stats().signature_checks); }));
    gauges.push_back(metrics.AddGaugeFunction(
        "gateway_token_cache_hits", "Tokens found in the verified-token cache since start",
        [authenticator] { return static_cast<double>(authenticator->Stats().cache.hits); }));
  }
  return gauges;
}

int Run(const Settings& settings) {
  const http::TrustedProxies trusted_proxies(settings.trusted_proxies);
  http::Cluster auth("auth", settings.auth_urls, settings.health);
  http::Cluster catalog("catalog", settings.catalog_urls, settings.health);
  http::Cluster orders("orders", settings.orders_urls, settings.health);
  const http::Resolver resolver({&auth, &catalog, &orders}, settings.dns_refresh);
  Gauges cluster_gauges;
  for (const http::Cluster* cluster : {&auth, &catalog, &orders}) {
    for (auto& gauge : http::AddReplicaGauges(*cluster)) cluster_gauges.push_back(std::move(gauge));
  }

  http::Client client(settings.client);
  std::unique_ptr<authn::KeySource> keys;
  std::unique_ptr<authn::Authenticator> authenticator;
  if (auth.Configured()) {
    keys = std::make_unique<authn::KeySource>(
        authn::KeySource::Options{.auth_url = JoinUrls(settings.auth_urls)}, client);
    auto options = authn::Authenticator::Options::From(settings.tokens);
    options.cache.capacity = settings.token_cache_size;
    authenticator = std::make_unique<authn::Authenticator>(std::move(options), *keys);
  } else {
    log::Warn("AUTH_URLS is empty: /auth and /users answer 503 and no token can be verified");
  }
  LiveHub hub(settings.hub);
  const Gauges live_gauges = AddLiveGauges(hub, authenticator.get());
  RateLimiter rate_limiter(settings.limits);
  std::unique_ptr<ResponseCache> cache;
  if (settings.response_cache.capacity_bytes > 0) {
    cache = std::make_unique<ResponseCache>(settings.response_cache);
  }
  Proxy proxy(client, settings.proxy);
  EventsEndpoint events(hub, authenticator.get(), settings.events);

  http::ServerOptions server_options = settings.server;
  server_options.access_log = false;  // the access_log filter writes the line, with upstream and client ip
  http::Server server(server_options);
  server.Use(AccessLogFilter(settings.server.access_log));
  server.Use(ClientIpFilter(trusted_proxies, settings.trusted_proxy_secret));
  server.Use(rate_limiter.Filter());
  server.Use(AuthnFilter(authenticator.get()));
  if (cache) server.Use(cache->Filter());
  AddProxyRoutes(server, proxy, Clusters{.auth = auth, .catalog = catalog, .orders = orders});
  events.Register(server);
  AddOpenApiRoute(server);

  std::unique_ptr<authn::RevocationSync> revocations;
  if (authenticator) {
    revocations = std::make_unique<authn::RevocationSync>(
        authn::RevocationSync::Options{.auth_urls = JoinUrls(settings.auth_urls)}, client,
        authenticator->Revocations(), server.io_context(0));
  }
  // After the server: destroyed first, so no event is routed to streams of a server that is gone.
  // After a (re)connection the cache starts empty: book events missed meanwhile are not replayed.
  const LiveFeed feed(settings.bus, hub, authenticator ? &authenticator->Revocations() : nullptr, cache.get(),
                      [&revocations, &cache] {
                        if (revocations) revocations->Load();
                        if (cache) cache->Clear();
                      });

  // Ready once tokens can be checked (keys and revocations loaded), live events flow, and every configured
  // service has had an address (a fresh swarm puts its tasks in DNS a moment after the gateway starts; the
  // last known addresses are kept, so this does not flap later). The upstreams' health is not a condition
  // (one service down must not take the whole gateway out of rotation).
  server.AddReadinessCheck("upstreams", [&auth, &catalog, &orders] {
    for (const http::Cluster* cluster : {&auth, &catalog, &orders}) {
      if (cluster->Configured() && cluster->Replicas().empty()) return false;
    }
    return true;
  });
  server.AddReadinessCheck("auth_keys", [&keys] { return keys && keys->Ready(); });
  server.AddReadinessCheck("revocations", [&revocations] { return revocations && revocations->Loaded(); });
  server.AddReadinessCheck("broker", [&feed] { return feed.Connected(); });

  if (keys) keys->Start(server.io_context(0));
  if (revocations) revocations->Load();
  server.Run();
  return 0;
}

}  // namespace
}  // namespace bookstore::gateway

int main(int argc, char** argv) {
  namespace gateway = bookstore::gateway;
  return bookstore::service::Main("gateway", argc, argv, gateway::ReadSettings, gateway::Run);
}
