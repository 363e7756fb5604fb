#!/bin/sh
# Docker HEALTHCHECK: the component's liveness endpoint on its admin port (the operator's listener,
# HTTP_ADMIN_PORT; the public port when none is set), over HTTPS when it serves TLS.
port="${HTTP_ADMIN_PORT:-${HTTP_PORT:-5000}}"
if [ -n "${TLS_CERT_FILE:-}" ]; then
  exec curl -fsSk --max-time 2 "https://127.0.0.1:${port}/healthz" -o /dev/null
fi
exec curl -fsS --max-time 2 "http://127.0.0.1:${port}/healthz" -o /dev/null
