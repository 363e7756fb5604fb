#!/usr/bin/env bash
# ./bookstore status: each component and server of the `up` instance: running/dead, pid, port, ready.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/stack.sh
source "$BS_SCRIPTS/lib/stack.sh"
# shellcheck source=lib/up_env.sh
source "$BS_SCRIPTS/lib/up_env.sh"

[[ "${1:-}" == -h || "${1:-}" == --help ]] && { echo "usage: ./bookstore status"; exit 0; }
up_load_settings
printf '%-10s %-10s %-12s %-11s %s\n' NAME STATE PID PORT READY
for name in "${BS_COMPONENTS[@]}"; do
  stack_status_line "$name"
done
if [[ -f "$UP_RUN_DIR/infra.env" ]]; then
  "${STACK_INFRA[@]}" status
else
  echo "mariadb, rabbitmq: never started (run ./bookstore up)"
fi
