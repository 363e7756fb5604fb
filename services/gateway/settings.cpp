#include "settings.h"

#include "bookstore/config/env.h"

namespace bookstore::gateway {
namespace {

using std::chrono::milliseconds;

TokenBuckets::Options ReadLimit(config::Env& env, const std::string& count_name,
                                const std::string& window_name, const TokenBuckets::Options& defaults,
                                const std::string& what) {
  TokenBuckets::Options options = defaults;
  options.limit =
      env.Int(count_name, defaults.limit, 0, 1'000'000, what + " allowed per window (0: no limit)");
  options.window = env.Duration(window_name, defaults.window, "the window of " + count_name);
  return options;
}

}  // namespace

Settings ReadSettings(config::Env& env) {
  Settings s;
  s.server = http::ReadServerOptions(env, 5000, 9000);

  s.auth_urls = env.List("AUTH_URLS", "",
                         "auth replicas: base URLs, comma-separated, or one host name that "
                         "resolves to every replica (http://tasks.auth:5001); empty: 503");
  s.catalog_urls = env.List("CATALOG_URLS", "", "catalog replicas (as AUTH_URLS)");
  s.orders_urls = env.List("ORDERS_URLS", "", "orders replicas (as AUTH_URLS)");
  s.dns_refresh = env.Duration("UPSTREAM_DNS_REFRESH", s.dns_refresh,
                               "how often upstream host names are resolved again (0: only at start-up)");
  s.client.connect_timeout =
      env.Duration("UPSTREAM_CONNECT_TIMEOUT", milliseconds(1'000), "connecting to an upstream replica");
  s.proxy.request_timeout = env.Duration("UPSTREAM_TIMEOUT", s.proxy.request_timeout,
                                         "a whole proxied request, retries included (then 504)");
  s.proxy.max_attempts = static_cast<int>(
      env.Int("UPSTREAM_MAX_ATTEMPTS", s.proxy.max_attempts, 1, 8, "replicas tried at most per request"));
  s.client.max_idle_per_upstream = static_cast<std::size_t>(env.Int(
      "UPSTREAM_IDLE_CONNECTIONS", 64, 0, 10'000, "idle keep-alive connections kept per replica and thread"));
  s.health.consecutive_failures = static_cast<int>(env.Int(
      "UPSTREAM_MAX_FAILURES", s.health.consecutive_failures, 1, 1000,
      "5xx answers, timeouts or broken connections in a row that set a replica aside (a refused connection "
      "or a 503 does at once)"));
  s.health.base_ejection = env.Duration("UPSTREAM_EJECT_TIME", s.health.base_ejection,
                                        "how long a failing replica is first set aside (doubles each time)");
  s.health.max_ejection = env.Duration("UPSTREAM_MAX_EJECT_TIME", s.health.max_ejection,
                                       "the longest a failing replica is set aside");

  s.tokens = authn::ReadTokenSettings(env);
  s.token_cache_size = static_cast<std::size_t>(
      env.Int("TOKEN_CACHE_SIZE", 10'000, 1, 10'000'000, "verified tokens kept to skip signature checks"));
  s.bus = bus::Options::FromEnv(env, "gateway");

  s.trusted_proxies = env.List("TRUSTED_PROXIES", "",
                               "IPs or CIDR ranges of proxies whose X-Forwarded-For is believed (e.g. "
                               "10.0.0.0/8,192.168.1.5); empty: the peer address is the client");
  s.trusted_proxy_secret = env.Secret(
      "TRUSTED_PROXY_SECRET", "",
      "what a trusted proxy must also send in X-Proxy-Secret before its X-Forwarded-For is believed "
      "(web's GATEWAY_PROXY_SECRET); needed where clients share the proxy's address");
  s.limits.login_failures_per_email =
      ReadLimit(env, "LOGIN_FAILURES_PER_EMAIL", "LOGIN_FAILURES_PER_EMAIL_WINDOW",
                s.limits.login_failures_per_email, "failed logins for one email from all addresses together");
  s.limits.login_failures_per_email_and_ip =
      ReadLimit(env, "LOGIN_FAILURES_PER_EMAIL_AND_IP", "LOGIN_FAILURES_PER_EMAIL_AND_IP_WINDOW",
                s.limits.login_failures_per_email_and_ip, "failed logins for one email from one client IP");
  s.limits.login_failures_per_ip =
      ReadLimit(env, "LOGIN_FAILURES_PER_IP", "LOGIN_FAILURES_PER_IP_WINDOW", s.limits.login_failures_per_ip,
                "failed logins from one client IP");
  s.limits.registrations_per_ip =
      ReadLimit(env, "REGISTRATIONS_PER_IP", "REGISTRATIONS_PER_IP_WINDOW", s.limits.registrations_per_ip,
                "registrations from one client IP");
  const auto max_keys = static_cast<std::size_t>(env.Int("RATE_LIMIT_MAX_KEYS", 100'000, 16, 100'000'000,
                                                         "emails or IPs each rate limit remembers at most"));
  s.limits.login_failures_per_email.max_keys = max_keys;
  s.limits.login_failures_per_email_and_ip.max_keys = max_keys;
  s.limits.login_failures_per_ip.max_keys = max_keys;
  s.limits.registrations_per_ip.max_keys = max_keys;

  s.response_cache.capacity_bytes = static_cast<std::size_t>(env.Int(
      "RESPONSE_CACHE_BYTES", static_cast<std::int64_t>(s.response_cache.capacity_bytes), 0,
      std::int64_t{1} << 40,
      "memory for public GET answers kept and served again (catalog reads), least recently used dropped "
      "first; kept fresh by book.* events; 0 turns the response cache off"));

  s.events.heartbeat =
      env.Duration("EVENTS_HEARTBEAT", s.events.heartbeat, "keep-alive comment interval of /events");
  s.hub.queue_limit = static_cast<std::size_t>(
      env.Int("EVENTS_QUEUE_LIMIT", static_cast<std::int64_t>(s.hub.queue_limit), 1, 100'000,
              "events waiting for one /events client before it is dropped as too slow"));
  s.hub.max_streams =
      static_cast<std::size_t>(env.Int("EVENTS_MAX_STREAMS", static_cast<std::int64_t>(s.hub.max_streams), 1,
                                       10'000'000, "open /events streams per replica"));
  s.hub.max_streams_per_client = static_cast<std::size_t>(
      env.Int("EVENTS_MAX_STREAMS_PER_CLIENT", static_cast<std::int64_t>(s.hub.max_streams_per_client), 1,
              10'000'000, "open /events streams per client address (more get 429)"));
  s.hub.max_streams_per_user = static_cast<std::size_t>(
      env.Int("EVENTS_MAX_STREAMS_PER_USER", static_cast<std::int64_t>(s.hub.max_streams_per_user), 1,
              10'000'000, "open /events streams per signed-in user (more get 429)"));
  return s;
}

}  // namespace bookstore::gateway
