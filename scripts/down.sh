#!/usr/bin/env bash
# ./bookstore down [--purge]: stop every component and server that `up` started, by pid (SIGTERM, then
# SIGKILL after a deadline), keeping the data; --purge also deletes .run/ (data, logs, secrets).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/stack.sh
source "$BS_SCRIPTS/lib/stack.sh"
# shellcheck source=lib/up_env.sh
source "$BS_SCRIPTS/lib/up_env.sh"

purge=0
while (($#)); do
  case "$1" in
    --purge) purge=1 ;;
    -h | --help)
      echo "usage: ./bookstore down [--purge]   (BOOKSTORE_STOP_TIMEOUT [20] seconds before SIGKILL)"
      exit 0
      ;;
    *) die "unknown argument '$1' (usage: ./bookstore down [--purge])" ;;
  esac
  shift
done

if [[ ! -d "$UP_RUN_DIR" ]]; then
  say "nothing to stop (no ${UP_RUN_DIR#"$BS_ROOT"/})"
  exit 0
fi
exec 9>"$UP_RUN_DIR/up.lock"
flock -w 60 9 || die "another ./bookstore up or down is running in this checkout"

up_load_settings
for ((i = ${#BS_COMPONENTS[@]} - 1; i >= 0; i--)); do
  name=${BS_COMPONENTS[$i]}
  pid=$(stack_component_pid "$name")
  if [[ -n "$pid" ]]; then
    say "stopping $name (pid $pid)"
    stack_stop "$name"
  else
    rm -f "$(stack_pid_file "$name")" "$UP_RUN_DIR/pids/$name.exe"
  fi
done
if [[ -f "$UP_RUN_DIR/prometheus/prometheus.pid" ]]; then
  say "stopping prometheus"
  "$BS_SCRIPTS/monitor.sh" stop
fi
if [[ -f "$UP_RUN_DIR/infra.env" ]]; then
  say "stopping RabbitMQ and MariaDB"
  "${STACK_INFRA[@]}" stop
fi

if ((purge)); then
  # A test run's servers live under .run/test: stop them too rather than delete their data under them.
  if [[ -f "$UP_RUN_DIR/test/infra.env" ]]; then
    "$BS_SCRIPTS/infra.sh" --run-dir "$UP_RUN_DIR/test" stop
  fi
  say "deleting ${UP_RUN_DIR#"$BS_ROOT"/} (data, logs, secrets)"
  rm -rf "$UP_RUN_DIR"
fi
say "stopped"
