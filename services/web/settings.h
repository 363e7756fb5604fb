#pragma once
// Every setting of web, read from the environment (libs/config: NAME or NAME_FILE; --help lists them).

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "bookstore/http/client.h"
#include "bookstore/http/server.h"

namespace bookstore::config {
class Env;
}

namespace bookstore::web {

struct Settings {
  http::ServerOptions server;
  std::vector<std::string> gateway_urls;
  std::chrono::milliseconds gateway_dns_refresh{5'000};  // a host name in GATEWAY_URLS resolved again
  std::chrono::milliseconds gateway_timeout{10'000};
  std::string gateway_proxy_secret;  // sent in X-Proxy-Secret: proves to the gateway that this is web
  std::size_t gateway_cache_bytes = 16 * 1024 * 1024;  // the gateway's public answers kept (0: none)
  http::ClientOptions client;
  // Comma-separated session keys; the first seals. Empty: a random key per process (sessions do not
  // survive a restart and are not shared between replicas).
  std::vector<std::string> session_keys;
  std::vector<std::string> trusted_proxies;
};

// Declares and reads every setting; problems are reported by env.Finish().
Settings ReadSettings(config::Env& env);

}  // namespace bookstore::web
