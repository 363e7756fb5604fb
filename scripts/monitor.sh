#!/usr/bin/env bash
# ./bookstore monitor [start|stop|status]: Debian's Prometheus watching the store `./bookstore up` runs,
# with BookStore's recording rules and alerts (deploy/prometheus/). start (the default) copies
# deploy/prometheus/prometheus-local.yml and rules.yml into .run/prometheus/, writes targets.json (each
# component's admin port, where /metrics is) and starts prometheus on 127.0.0.1:BOOKSTORE_PROMETHEUS_PORT
# [9090], its data in .run/prometheus/data. `./bookstore down` stops it too.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/stack.sh
source "$BS_SCRIPTS/lib/stack.sh"
# shellcheck source=lib/up_env.sh
source "$BS_SCRIPTS/lib/up_env.sh"

PROM_DIR="$UP_RUN_DIR/prometheus"
PROM_PID_FILE="$PROM_DIR/prometheus.pid"
PROM_PORT=${BOOKSTORE_PROMETHEUS_PORT:-9090}
PROM_BIN=/usr/bin/prometheus

usage() { echo "usage: ./bookstore monitor [start|stop|status]   (BOOKSTORE_PROMETHEUS_PORT [9090])"; }

prometheus_pid() {
  local pid
  pid=$(read_pid "$PROM_PID_FILE")
  if [[ -n "$pid" ]] && pid_runs "$pid" "$PROM_BIN"; then echo "$pid"; fi
}

# targets.json (Prometheus file_sd): one target per component, labelled with its name as the job.
write_targets() {
  local host=$STACK_BIND name sep=""
  [[ "$host" == 0.0.0.0 ]] && host=127.0.0.1
  {
    echo "["
    for name in "${BS_COMPONENTS[@]}"; do
      printf '%s  {"targets": ["%s:%s"], "labels": {"job": "%s"}}\n' "$sep" "$host" "${STACK_ADMIN_PORT[$name]}" "$name"
      sep=","
    done
    echo "]"
  } >"$PROM_DIR/targets.json.new"
  mv "$PROM_DIR/targets.json.new" "$PROM_DIR/targets.json"
}

start() {
  [[ -f "$UP_SETTINGS_FILE" ]] || die "no store to watch: run ./bookstore up first"
  [[ -x "$PROM_BIN" ]] || ensure_packages
  [[ -x "$PROM_BIN" ]] || die "$PROM_BIN is missing (Debian's prometheus, scripts/packages.txt)"
  up_load_settings
  mkdir -p "$PROM_DIR/data"
  cp "$BS_ROOT/deploy/prometheus/prometheus-local.yml" "$PROM_DIR/prometheus.yml"
  cp "$BS_ROOT/deploy/prometheus/rules.yml" "$PROM_DIR/rules.yml"
  write_targets
  local pid
  pid=$(prometheus_pid)
  if [[ -n "$pid" ]]; then
    kill -HUP "$pid"  # re-reads the configuration and the rules
    say "prometheus (pid $pid) reloaded its configuration"
  else
    port_closed "$PROM_PORT" 127.0.0.1 || die "port $PROM_PORT is taken (set BOOKSTORE_PROMETHEUS_PORT)"
    mkdir -p "$UP_RUN_DIR/logs"
    setsid "$PROM_BIN" --config.file="$PROM_DIR/prometheus.yml" --storage.tsdb.path="$PROM_DIR/data" \
      --web.listen-address="127.0.0.1:$PROM_PORT" --storage.tsdb.retention.time=7d \
      >>"$UP_RUN_DIR/logs/prometheus.log" 2>&1 </dev/null &
    echo $! >"$PROM_PID_FILE"
    poll_until 60 http_ok "http://127.0.0.1:$PROM_PORT/-/ready" ||
      die "prometheus did not become ready (see .run/logs/prometheus.log)"
  fi
  say "prometheus  http://127.0.0.1:$PROM_PORT/   (alerts: /alerts, targets: /targets; recording rules: deploy/prometheus/rules.yml)"
}

stop() {
  local pid
  pid=$(prometheus_pid)
  [[ -z "$pid" ]] || stop_pid "$pid" prometheus
  rm -f "$PROM_PID_FILE"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status)
    pid=$(prometheus_pid)
    if [[ -n "$pid" ]]; then echo "prometheus running (pid $pid) on http://127.0.0.1:$PROM_PORT/"; else echo "prometheus not running"; fi
    ;;
  -h | --help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
