#include "settings.h"

#include "bookstore/config/env.h"

namespace bookstore::web {

Settings ReadSettings(config::Env& env) {
  Settings s;
  s.server = http::ReadServerOptions(env, 8080, 9080);
  s.gateway_urls = env.List("GATEWAY_URLS", "http://127.0.0.1:5000",
                            "gateway replicas: base URLs, comma-separated (round robin, a failing replica "
                            "set aside for a while, as the gateway does with its upstreams), or one host "
                            "name that resolves to every replica (http://tasks.gateway:5000)");
  s.gateway_dns_refresh = env.Duration("GATEWAY_DNS_REFRESH", s.gateway_dns_refresh,
                                       "how often a host name in GATEWAY_URLS is resolved again (0: only at "
                                       "start-up)");
  s.gateway_proxy_secret =
      env.Secret("GATEWAY_PROXY_SECRET", "",
                 "sent to the gateway in X-Proxy-Secret with the client's address (X-Forwarded-For): the "
                 "gateway's TRUSTED_PROXY_SECRET, so that it believes the address");
  s.gateway_timeout = env.Duration("GATEWAY_TIMEOUT", s.gateway_timeout,
                                   "one call to the gateway, connecting included (then an error page)");
  s.gateway_cache_bytes = static_cast<std::size_t>(env.Int(
      "GATEWAY_CACHE_BYTES", static_cast<std::int64_t>(s.gateway_cache_bytes), 0, std::int64_t{1} << 40,
      "memory for the gateway's public answers (catalog reads) kept for anonymous page views, least "
      "recently used dropped first; kept fresh by the gateway's events (GET /events); 0: every page asks "
      "the gateway"));
  s.client.connect_timeout = env.Duration("GATEWAY_CONNECT_TIMEOUT", std::chrono::milliseconds(2'000),
                                          "connecting to a gateway replica (then the next one is tried)");
  const std::string keys = env.Secret(
      "WEB_SESSION_KEY", "",
      "keys sealing the session cookie: 32 bytes as 64 hex digits or base64, comma-separated, the first "
      "seals and all open (rotation); the same on every replica. Empty: a random key at start-up (sessions "
      "end with the process; not for more than one replica)");
  std::string current;
  for (const char c : keys) {
    if (c == ',') {
      if (!current.empty()) {
        s.session_keys.push_back(current);
      }
      current.clear();
    } else if (c != ' ' && c != '\n' && c != '\r') {
      current += c;
    }
  }
  if (!current.empty()) {
    s.session_keys.push_back(current);
  }
  s.trusted_proxies = env.List("TRUSTED_PROXIES", "",
                               "IPs or CIDR ranges of proxies in front of web whose X-Forwarded-For and "
                               "X-Forwarded-Proto (https: Secure cookies) are believed");
  return s;
}

}  // namespace bookstore::web
