#!/usr/bin/env bash
# Creates the stack's Docker secrets once, with random passwords and a fresh Ed25519 JWT key.
#   ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD='...' deploy/swarm/create-secrets.sh
# SECRETS_PREFIX (bookstore) names them <prefix>_<secret>, as the stack expects with the same variable.
# Existing secrets are left alone (rotate one by creating a new name and updating the stack).
set -euo pipefail
: "${ADMIN_EMAIL:?set ADMIN_EMAIL}" "${ADMIN_PASSWORD:?set ADMIN_PASSWORD}"
prefix="${SECRETS_PREFIX:-bookstore}"
docker="${DOCKER:-docker}"
random() { head -c 24 /dev/urandom | base64 | tr -d '/+=\n'; }
exists() { "$docker" secret inspect "${prefix}_$1" >/dev/null 2>&1; }
create() {  # name value
  if exists "$1"; then echo "kept    ${prefix}_$1"; return; fi
  printf '%s' "$2" | "$docker" secret create "${prefix}_$1" - >/dev/null && echo "created ${prefix}_$1"
}
create db_root_password "$(random)"
create auth_db_password "$(random)"
create catalog_db_password "$(random)"
create orders_db_password "$(random)"
if ! exists rabbitmq_password; then
  rabbit_password="$(random)"
  create rabbitmq_password "${rabbit_password}"
  "$docker" secret rm "${prefix}_amqp_url" >/dev/null 2>&1 || true  # it must hold this password
  create amqp_url "amqp://bookstore:${rabbit_password}@rabbitmq:5672/"
fi
seed="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
create jwt_keys "k$(date -u +%Y%m%d%H%M%S) ${seed}"
create web_session_key "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
create admin_email "${ADMIN_EMAIL}"
create admin_password "${ADMIN_PASSWORD}"
