// web: wiring only. settings -> log -> session keys -> templates and assets -> gateway client -> server
// with the middleware of handlers/middleware.h and the pages of handlers/routes.h.

#include "bookstore/service/main.h"

#include <malloc.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "bookstore/config/env.h"
#include "bookstore/http/client.h"
#include "bookstore/http/cluster.h"
#include "bookstore/http/resolver.h"
#include "bookstore/http/server.h"
#include "bookstore/log/log.h"
#include "gateway/api.h"
#include "handlers/middleware.h"
#include "handlers/routes.h"
#include "session/sealer.h"
#include "settings.h"
#include "views/assets.h"
#include "views/renderer.h"

namespace bookstore::web {
namespace {

std::vector<SessionKey> SessionKeys(const Settings& settings) {
  std::vector<SessionKey> keys;
  for (const auto& text : settings.session_keys) {
    keys.push_back(ParseSessionKey(text));
  }
  if (keys.empty()) {
    log::Warn(
        "WEB_SESSION_KEY is not set: using a random session key; sessions end when this process stops "
        "and are not shared with other web replicas");
    keys.push_back(RandomSessionKey());
  }
  return keys;
}

// Every page takes and frees tens of KiB (its data, its text, the gateway's answer): by default glibc
// gives freed memory at the top of a heap back to the kernel (and moves its mmap threshold as blocks come
// and go), so the next pages fault the same pages in again; measured on the home page under load, 4,578
// page faults in 10 s, 85 with these settings. Freed memory stays for reuse up to 16 MiB per heap.
void KeepFreedMemory() {
  constexpr int kMmapThreshold = 1 << 20;
  constexpr int kTrimThreshold = 16 << 20;
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
}

int Run(const Settings& settings) {
  const SessionSealer sealer(SessionKeys(settings));
  const http::TrustedProxies proxies(settings.trusted_proxies);
  const Renderer renderer;
  const AssetCatalog assets;
  http::Client client(settings.client);
  AnswerCache answers(settings.gateway_cache_bytes);
  http::Cluster gateways("gateway", settings.gateway_urls);
  const http::Resolver resolver({&gateways}, settings.gateway_dns_refresh);
  const auto gateway_gauges = http::AddReplicaGauges(gateways);
  GatewayApi api(client, gateways, settings.gateway_timeout, settings.gateway_proxy_secret, &answers);
  const WebDeps deps{.api = api, .renderer = renderer, .assets = assets, .sealer = sealer};

  http::Server server(settings.server);
  const bool tls = !settings.server.tls_certificate_pem.empty();
  server.Use(SecurityHeaders());
  server.Use(Sessions(deps, proxies, tls));
  server.Use(ErrorPages(deps));
  server.Use(CsrfCheck());
  AddAssetRoutes(server, assets);
  AddBookPages(server, deps);
  AddAccountPages(server, deps);
  AddSellingPages(server, deps);
  AddCartPages(server, deps);
  AddOrderPages(server, deps);
  AddAdminPages(server, deps);
  AddApiReferencePage(server, deps);
  AddEventStream(server, deps);
  server.AddReadinessCheck("gateway", [&api, &server] { return api.Healthy(server.io_context(0)); });
  boost::asio::co_spawn(server.io_context(0), api.FollowEvents(), boost::asio::detached);
  server.Run();
  return 0;
}

}  // namespace
}  // namespace bookstore::web

int main(int argc, char** argv) {
  namespace web = bookstore::web;
  web::KeepFreedMemory();
  return bookstore::service::Main("web", argc, argv, web::ReadSettings, web::Run);
}
