#!/usr/bin/env bash
# ./bookstore up: install what is missing, build (Release), start a private MariaDB and RabbitMQ under
# .run/, create the service databases and users, start every component that was built, wait until each
# is ready and print the URLs. Running it again is harmless: it starts only what is not running.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/stack.sh
source "$BS_SCRIPTS/lib/stack.sh"
# shellcheck source=lib/up_env.sh
source "$BS_SCRIPTS/lib/up_env.sh"

usage() {
  cat <<EOF
usage: ./bookstore up [--no-build]

  --no-build   start what was built before, without installing packages or building

Environment (defaults in brackets; see README.md for the components' own settings):
  BOOKSTORE_MARIADB_PORT [3420]  BOOKSTORE_RABBITMQ_PORT [5690]  BOOKSTORE_RABBITMQ_MGMT_PORT [15690]
  BOOKSTORE_RABBITMQ_DIST_PORT [25690]  BOOKSTORE_EPMD_PORT [4380]
  BOOKSTORE_GATEWAY_PORT [5000] BOOKSTORE_AUTH_PORT [5001] BOOKSTORE_CATALOG_PORT [5002]
  BOOKSTORE_ORDERS_PORT [5003] BOOKSTORE_WEB_PORT [8080]  BOOKSTORE_BIND [127.0.0.1]
  BOOKSTORE_ADMIN_EMAIL, BOOKSTORE_ADMIN_PASSWORD   passed to auth as ADMIN_EMAIL / ADMIN_PASSWORD
  BOOKSTORE_LOG_LEVEL [info]   BOOKSTORE_READY_TIMEOUT [120] seconds   BOOKSTORE_JOBS [nproc]
  BOOKSTORE_STOP_TIMEOUT [20] seconds (used when restarting a rebuilt component)
  BOOKSTORE_ENV_<COMPONENT>_<NAME>=value   passes NAME=value to one component (e.g. BOOKSTORE_ENV_AUTH_JWT_TTL=15m)
EOF
}

build=1
while (($#)); do
  case "$1" in
    --no-build) build=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift
done

mkdir -p "$UP_RUN_DIR"
exec 9>"$UP_RUN_DIR/up.lock"
flock -n 9 || die "another ./bookstore up or down is running in this checkout"

if ((build)); then
  ensure_packages
  cmake_build "$STACK_BUILD_DIR" Release -DBOOKSTORE_BUILD_TESTS=OFF -DBOOKSTORE_BUILD_BENCH=OFF
fi

up_load_settings fresh
say "starting MariaDB and RabbitMQ in ${UP_RUN_DIR#"$BS_ROOT"/}"
"${STACK_INFRA[@]}" --profile dev --mariadb-port "$UP_MARIADB_PORT" --rabbitmq-port "$UP_RABBITMQ_PORT" \
  --mgmt-port "$UP_MGMT_PORT" --dist-port "$UP_DIST_PORT" --epmd-port "$UP_EPMD_PORT" start

amqp_password=$(cat "$UP_RUN_DIR/secrets/rabbitmq_bookstore_password")
stack_prepare_secrets "amqp://bookstore:$amqp_password@127.0.0.1:$UP_RABBITMQ_PORT/"
stack_create_databases

started=()
for name in "${BS_COMPONENTS[@]}"; do
  stack_start "$name" "$UP_MARIADB_PORT" || die "could not start $name"
  if [[ "$STACK_STATE" != not-built ]]; then
    say "$name: $STACK_STATE (pid $(stack_component_pid "$name"), port ${STACK_PORT[$name]})"
    started+=("$name")
  fi
done

ready_ok=1
if ((${#started[@]})); then
  say "waiting for ${started[*]} to be ready"
  stack_wait_ready "${BOOKSTORE_READY_TIMEOUT:-120}" "${started[@]}" || ready_ok=0
fi

echo
echo "BookStore (run folder ${UP_RUN_DIR#"$BS_ROOT"/}):"
if ((${#started[@]} == 0)); then
  echo "  no component is built yet (no binary under ${STACK_BUILD_DIR#"$BS_ROOT"/}/services/); only the servers run"
fi
for name in web gateway auth catalog orders; do
  [[ " ${started[*]} " == *" $name "* ]] || continue
  case "$name" in
    web) note="the store: open this in a browser" ;;
    gateway) note="public REST API" ;;
    *) note="internal" ;;
  esac
  stack_ready "$name" || note="$(red "NOT READY"): ./bookstore logs $name"
  printf '  %-9s %-28s %s\n' "$name" "$(stack_url "$name")/" "$note"
done
printf '  %-9s %-28s %s\n' RabbitMQ "http://127.0.0.1:$UP_MGMT_PORT/" \
  "management UI: user admin, password in .run/secrets/rabbitmq_admin_password"
printf '  %-9s %-28s %s\n' "" "amqp://127.0.0.1:$UP_RABBITMQ_PORT/" "services' user bookstore"
printf '  %-9s %-28s %s\n' MariaDB "127.0.0.1:$UP_MARIADB_PORT" \
  "root password in .run/secrets/mariadb_root_password; ./bookstore infra sql for a client"
echo "Logs: ./bookstore logs [component]   state: ./bookstore status   stop: ./bookstore down"
((ready_ok)) || die "some components did not become ready (see above)"
