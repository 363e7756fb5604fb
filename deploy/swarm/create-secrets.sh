#!/usr/bin/env bash
# Creates the stack's Docker secrets once, with random passwords and a fresh Ed25519 JWT key.
#   ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD='...' deploy/swarm/create-secrets.sh
# Existing secrets are left alone (rotate one by creating a new name and updating the stack).
set -euo pipefail
: "${ADMIN_EMAIL:?set ADMIN_EMAIL}" "${ADMIN_PASSWORD:?set ADMIN_PASSWORD}"
random() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }
create() {  # name value
  if docker secret inspect "$1" >/dev/null 2>&1; then echo "kept    $1"; return; fi
  printf '%s' "$2" | docker secret create "$1" - >/dev/null && echo "created $1"
}
rabbit_password="$(random)"
create bookstore_db_root_password "$(random)"
create bookstore_auth_db_password "$(random)"
create bookstore_catalog_db_password "$(random)"
create bookstore_orders_db_password "$(random)"
if ! docker secret inspect bookstore_rabbitmq_password >/dev/null 2>&1; then
  create bookstore_rabbitmq_password "${rabbit_password}"
  create bookstore_amqp_url "amqp://bookstore:${rabbit_password}@rabbitmq:5672/"
fi
seed="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
create bookstore_jwt_keys "k$(date -u +%Y%m%d%H%M%S) ${seed}"
create bookstore_web_session_key "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
create bookstore_admin_email "${ADMIN_EMAIL}"
create bookstore_admin_password "${ADMIN_PASSWORD}"
