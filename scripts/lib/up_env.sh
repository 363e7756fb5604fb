# Settings of the `./bookstore up` instance, shared by up, down, status and logs. `up` takes them from
# the environment and saves them in .run/up.env, so the other commands act on what `up` really started.
# shellcheck shell=bash disable=SC2034  # variables used by the scripts that source this

UP_RUN_DIR="$BS_ROOT/.run"
UP_SETTINGS_FILE="$UP_RUN_DIR/up.env"
STACK_RUN_DIR="$UP_RUN_DIR"
STACK_BUILD_DIR="$BS_ROOT/build/release"
STACK_INFRA=("$BS_SCRIPTS/infra.sh" --run-dir "$UP_RUN_DIR")

# up_load_settings [fresh]: fresh = from the environment (and save); otherwise from the saved file.
up_load_settings() {
  if [[ "${1:-}" != fresh && -f "$UP_SETTINGS_FILE" ]]; then
    # shellcheck source=/dev/null
    source "$UP_SETTINGS_FILE"
  else
    UP_MARIADB_PORT=${BOOKSTORE_MARIADB_PORT:-3420}
    UP_RABBITMQ_PORT=${BOOKSTORE_RABBITMQ_PORT:-5690}
    UP_MGMT_PORT=${BOOKSTORE_RABBITMQ_MGMT_PORT:-15690}
    UP_DIST_PORT=${BOOKSTORE_RABBITMQ_DIST_PORT:-25690}
    UP_EPMD_PORT=${BOOKSTORE_EPMD_PORT:-4380}
    STACK_BIND=${BOOKSTORE_BIND:-127.0.0.1}
    local name var
    for name in "${BS_COMPONENTS[@]}"; do
      var="BOOKSTORE_${name^^}_PORT"
      STACK_PORT[$name]=${!var:-${BS_DEFAULT_PORT[$name]}}
      var="BOOKSTORE_${name^^}_ADMIN_PORT"
      STACK_ADMIN_PORT[$name]=${!var:-${BS_DEFAULT_ADMIN_PORT[$name]}}
    done
  fi
  if [[ "${1:-}" == fresh ]]; then
    mkdir -p "$UP_RUN_DIR"
    local key
    {
      for key in UP_MARIADB_PORT UP_RABBITMQ_PORT UP_MGMT_PORT UP_DIST_PORT UP_EPMD_PORT STACK_BIND; do
        printf '%s=%q\n' "$key" "${!key}"
      done
      for key in "${!STACK_PORT[@]}"; do
        printf 'STACK_PORT[%s]=%q\n' "$key" "${STACK_PORT[$key]}"
        printf 'STACK_ADMIN_PORT[%s]=%q\n' "$key" "${STACK_ADMIN_PORT[$key]}"
      done
    } >"$UP_SETTINGS_FILE"
  fi
}
