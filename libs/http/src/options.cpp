#include "bookstore/config/cpus.h"
#include "bookstore/config/env.h"
#include "bookstore/http/server.h"

namespace bookstore::http {

ServerOptions ReadServerOptions(config::Env& env, int default_port, int default_admin_port) {
  ServerOptions o;
  o.host = env.String("HTTP_HOST", o.host, "Address to listen on");
  o.port = static_cast<std::uint16_t>(env.Int("HTTP_PORT", default_port, 1, 65535, "TCP port to listen on"));
  o.admin_host =
      env.String("HTTP_ADMIN_HOST", o.host, "Address of the operator's listener (/metrics, /readyz)");
  o.admin_port = static_cast<std::uint16_t>(
      env.Int("HTTP_ADMIN_PORT", default_admin_port, 0, 65535,
              "TCP port of the operator's listener: /metrics and /readyz with details (0: any free port)"));
  o.max_connections = static_cast<std::size_t>(
      env.Int("HTTP_MAX_CONNECTIONS", static_cast<std::int64_t>(o.max_connections), 1, 1'000'000,
              "Open client connections beyond which a new one gets 503 and is closed"));
  o.threads = static_cast<int>(env.Int("HTTP_THREADS", config::UsableCpus(), 1, 256,
                                       "Network threads (event loops); by default the CPUs this process may "
                                       "use (its affinity mask, bounded by its container's CPU quota)"));
  o.body_limit = static_cast<std::size_t>(env.Int("HTTP_BODY_LIMIT", static_cast<std::int64_t>(o.body_limit),
                                                  1, std::int64_t{1} << 32,
                                                  "Largest accepted request body in bytes (413 beyond)"));
  o.header_limit = static_cast<std::size_t>(
      env.Int("HTTP_HEADER_LIMIT", static_cast<std::int64_t>(o.header_limit), 1024, 1 << 20,
              "Largest accepted request line + headers in bytes (431 beyond)"));
  o.read_timeout = env.Duration("HTTP_READ_TIMEOUT", o.read_timeout,
                                "Time allowed to receive a whole request (and a new connection's first one)");
  o.idle_timeout =
      env.Duration("HTTP_IDLE_TIMEOUT", o.idle_timeout, "Keep-alive connections idle longer are closed");
  o.write_timeout =
      env.Duration("HTTP_WRITE_TIMEOUT", o.write_timeout, "Time allowed for each response write");
  o.drain_timeout = env.Duration("HTTP_DRAIN_TIMEOUT", o.drain_timeout,
                                 "On shutdown, how long in-flight requests may take to finish");
  o.shutdown_delay =
      env.Duration("HTTP_SHUTDOWN_DELAY", o.shutdown_delay,
                   "On shutdown, how long to keep accepting (with /readyz 503) before closing the "
                   "listener, so load balancers notice");
  o.access_log = env.Bool("HTTP_ACCESS_LOG", o.access_log, "Log one line per request");
  o.tls_certificate_pem = env.String("TLS_CERT", "",
                                     "TLS certificate chain (PEM); set TLS_CERT_FILE to a file "
                                     "path. With TLS_KEY the server speaks HTTPS only");
  o.tls_private_key_pem = env.Secret("TLS_KEY", "", "TLS private key (PEM); set TLS_KEY_FILE to a file path");
  return o;
}

}  // namespace bookstore::http
