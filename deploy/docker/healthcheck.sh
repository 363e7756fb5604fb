#!/bin/sh
# Docker HEALTHCHECK: the component's liveness endpoint, over HTTPS when it serves TLS.
port="${HTTP_PORT:-5000}"
if [ -n "${TLS_CERT_FILE:-}" ]; then
  exec curl -fsSk --max-time 2 "https://127.0.0.1:${port}/healthz" -o /dev/null
fi
exec curl -fsS --max-time 2 "http://127.0.0.1:${port}/healthz" -o /dev/null
