# The BookStore components as local processes: databases and users, secrets, settings, start, readiness,
# stop. Shared by `./bookstore up` (run folder .run) and the browser stage of `./bookstore test`
# (.run/test). Sourced after common.sh, never run.
#
# The caller sets:
#   STACK_RUN_DIR    run folder (logs/, pids/, secrets/ inside)
#   STACK_BUILD_DIR  CMake build folder holding the component binaries
#   STACK_INFRA      array: the infra.sh command line for this run folder
#   STACK_BIND       address the components listen on (127.0.0.1)
#   STACK_PORT[name] port of each component
#   STACK_ADMIN_PORT[name] its admin port (/metrics, /readyz with every check; 0 or unset: any free port)
# shellcheck shell=bash disable=SC2034  # variables used by the scripts that source this

# Start order: auth first (the others fetch its JWKS), the gateway after the services, web last.
BS_COMPONENTS=(auth catalog orders gateway web)
BS_DB_SERVICES=(auth catalog orders)
declare -A BS_DEFAULT_PORT=([gateway]=5000 [auth]=5001 [catalog]=5002 [orders]=5003 [web]=8080)
declare -A BS_DEFAULT_ADMIN_PORT=([gateway]=9000 [auth]=9001 [catalog]=9002 [orders]=9003 [web]=9080)
declare -A STACK_PORT=()
declare -A STACK_ADMIN_PORT=()

# component_binary <build dir> <name>: the built executable of a component, if there is one.
# (tests/system/support/component.py looks in the same places.)
component_binary() {
  local dir=$1 name=$2 candidate
  for candidate in "$dir/services/$name/bookstore-$name" "$dir/services/$name/$name" \
    "$dir/bin/bookstore-$name" "$dir/bin/$name"; do
    if [[ -f "$candidate" && -x "$candidate" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

stack_secret_file() { echo "$STACK_RUN_DIR/secrets/$1"; }

# stack_prepare_secrets <amqp url>: every secret a component reads through a NAME_FILE setting.
stack_prepare_secrets() {
  local amqp_url=$1 dir
  dir=$(stack_secret_file "")
  mkdir -p "$dir"
  chmod 700 "$dir"
  local service
  for service in "${BS_DB_SERVICES[@]}"; do
    ensure_secret "$(stack_secret_file "db_${service}_password")" >/dev/null
  done
  (umask 077 && printf '%s\n' "$amqp_url" >"$(stack_secret_file amqp_url)")
  # web proves to the gateway that it is web (X-Proxy-Secret): every local client shares its 127.0.0.1.
  ensure_secret "$(stack_secret_file proxy_secret)" >/dev/null
  local keys
  keys=$(stack_secret_file jwt_keys)
  if [[ ! -s "$keys" ]]; then
    # One line `<kid> <base64url 32-byte Ed25519 seed>`; the last line is the active signing key.
    local kid seed
    kid="dev-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    seed=$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')
    (umask 077 && printf '%s %s\n' "$kid" "$seed" >"$keys")
    say "generated development JWT key '$kid' in ${keys#"$BS_ROOT"/}"
  fi
}

# stack_create_databases: each service's database and its least-privilege user (rights on its own
# schema only; DDL included because every service applies its own migrations at start-up). Idempotent,
# and it re-syncs the password with the secret file.
stack_create_databases() {
  local service password sql=""
  for service in "${BS_DB_SERVICES[@]}"; do
    password=$(cat "$(stack_secret_file "db_${service}_password")")
    sql+="CREATE DATABASE IF NOT EXISTS \`$service\` CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci;
CREATE USER IF NOT EXISTS '$service'@'127.0.0.1' IDENTIFIED BY '$password';
ALTER USER '$service'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES, CREATE TEMPORARY TABLES,
  LOCK TABLES ON \`$service\`.* TO '$service'@'127.0.0.1';
"
  done
  "${STACK_INFRA[@]}" sql <<<"$sql" || die "could not create the service databases"
}

stack_url() { echo "http://$STACK_BIND:${STACK_PORT[$1]}"; }

# stack_component_env <name> <db port>: fills COMPONENT_ENV with the component's settings (the
# conventions in README.md; the same names as deploy/swarm/docker-stack.yml), then any
# BOOKSTORE_ENV_<COMPONENT>_<NAME>=value given by the caller.
stack_component_env() {
  local name=$1 db_port=$2
  COMPONENT_ENV=(
    HTTP_HOST="$STACK_BIND" HTTP_PORT="${STACK_PORT[$name]}" HTTP_ADMIN_PORT="${STACK_ADMIN_PORT[$name]:-0}"
    LOG_LEVEL="${BOOKSTORE_LOG_LEVEL:-info}"
  )
  case "$name" in
    auth | catalog | orders)
      COMPONENT_ENV+=(
        DB_HOST=127.0.0.1 DB_PORT="$db_port" DB_NAME="$name" DB_USER="$name"
        DB_PASSWORD_FILE="$(stack_secret_file "db_${name}_password")"
        AMQP_URL_FILE="$(stack_secret_file amqp_url)"
      )
      ;;
  esac
  case "$name" in
    auth)
      COMPONENT_ENV+=(JWT_KEYS_FILE="$(stack_secret_file jwt_keys)")
      [[ -n "${BOOKSTORE_ADMIN_EMAIL:-}" ]] && COMPONENT_ENV+=(ADMIN_EMAIL="$BOOKSTORE_ADMIN_EMAIL")
      [[ -n "${BOOKSTORE_ADMIN_PASSWORD:-}" ]] && COMPONENT_ENV+=(ADMIN_PASSWORD="$BOOKSTORE_ADMIN_PASSWORD")
      ;;
    catalog | orders)
      COMPONENT_ENV+=(AUTH_URL="$(stack_url auth)")
      ;;
    gateway)
      COMPONENT_ENV+=(
        AUTH_URLS="$(stack_url auth)" CATALOG_URLS="$(stack_url catalog)" ORDERS_URLS="$(stack_url orders)"
        # web calls from 127.0.0.1 and passes its user's address on in X-Forwarded-For; since every local
        # client comes from 127.0.0.1 too, web also proves itself with the shared proxy secret.
        TRUSTED_PROXIES=127.0.0.1 TRUSTED_PROXY_SECRET_FILE="$(stack_secret_file proxy_secret)"
        AMQP_URL_FILE="$(stack_secret_file amqp_url)"
      )
      ;;
    web)
      COMPONENT_ENV+=(GATEWAY_URLS="$(stack_url gateway)" GATEWAY_PROXY_SECRET_FILE="$(stack_secret_file proxy_secret)")
      ;;
  esac
  local var prefix upper=${name^^}
  prefix="BOOKSTORE_ENV_${upper}_"
  for var in $(compgen -v "$prefix" || true); do
    COMPONENT_ENV+=("${var#"$prefix"}=${!var}")
  done
  return 0
}

stack_pid_file() { echo "$STACK_RUN_DIR/pids/$1.pid"; }

# stack_component_pid <name>: the pid of the component if the process we started still runs.
stack_component_pid() {
  local pid exe
  pid=$(read_pid "$(stack_pid_file "$1")")
  exe=$(cat "$STACK_RUN_DIR/pids/$1.exe" 2>/dev/null) || return 0
  pid_runs "$pid" "$exe" && echo "$pid"
  return 0
}

# stack_start <name> <db port>: starts the component unless it already runs. A process whose binary
# was rebuilt since (its /proc exe shows "(deleted)") is restarted so `up` always runs the latest build.
# Sets STACK_STATE to started, running, restarted or not-built; fails when its port is taken.
stack_start() {
  local name=$1 db_port=$2 bin pid
  STACK_STATE=started
  bin=$(component_binary "$STACK_BUILD_DIR" "$name") || {
    STACK_STATE=not-built
    return 0
  }
  pid=$(stack_component_pid "$name")
  if [[ -n "$pid" ]]; then
    if [[ "$(readlink "/proc/$pid/exe")" != *"(deleted)" ]]; then
      STACK_STATE=running
      return 0
    fi
    stop_pid "$pid" "$name"
    STACK_STATE=restarted
  fi
  if port_open "${STACK_PORT[$name]}" "$STACK_BIND"; then
    warn "port ${STACK_PORT[$name]} for $name is already in use by another program (BOOKSTORE_${name^^}_PORT chooses another)"
    return 1
  fi
  stack_component_env "$name" "$db_port"
  mkdir -p "$STACK_RUN_DIR/pids" "$STACK_RUN_DIR/logs"
  setsid env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="${HOME:-/root}" LANG=C.UTF-8 "${COMPONENT_ENV[@]}" "$bin" \
    </dev/null >>"$STACK_RUN_DIR/logs/$name.log" 2>&1 9>&- &
  echo $! >"$(stack_pid_file "$name")"
  echo "$bin" >"$STACK_RUN_DIR/pids/$name.exe"
}

stack_ready() { http_ok "$(stack_url "$1")/readyz"; }

# stack_wait_ready <seconds> <names...>: polls GET /readyz of each until all answer 2xx. Fails early,
# with the end of its log, when a component exits; fails at the deadline naming the ones not ready.
stack_wait_ready() {
  local seconds=$1
  shift
  local deadline=$(($(now_ms) + seconds * 1000)) pending=("$@") name still failed=0
  while ((${#pending[@]})); do
    still=()
    for name in "${pending[@]}"; do
      if stack_ready "$name"; then
        continue
      fi
      if [[ -z "$(stack_component_pid "$name")" ]]; then
        warn "$name exited during start-up; the end of $STACK_RUN_DIR/logs/$name.log:"
        tail -n 20 "$STACK_RUN_DIR/logs/$name.log" >&2 || true
        failed=1
        continue
      fi
      still+=("$name")
    done
    pending=("${still[@]}")
    ((${#pending[@]})) || break
    if (($(now_ms) > deadline)); then
      warn "not ready after ${seconds}s: ${pending[*]} (see $STACK_RUN_DIR/logs/)"
      return 1
    fi
    sleep 0.2
  done
  return "$failed"
}

# stack_stop <name>: SIGTERM, then SIGKILL after BOOKSTORE_STOP_TIMEOUT seconds (default 20).
stack_stop() {
  local pid
  pid=$(stack_component_pid "$1")
  [[ -n "$pid" ]] && stop_pid "$pid" "$1"
  rm -f "$(stack_pid_file "$1")" "$STACK_RUN_DIR/pids/$1.exe"
}

stack_stop_all() {
  local i
  for ((i = ${#BS_COMPONENTS[@]} - 1; i >= 0; i--)); do
    stack_stop "${BS_COMPONENTS[$i]}"
  done
}

# stack_status_line <name>: name, state, pid, port, readiness.
stack_status_line() {
  local name=$1 pid state ready=-
  pid=$(stack_component_pid "$name")
  if [[ -n "$pid" ]]; then
    state=running
    ready="not ready"
    stack_ready "$name" && ready=ready
  elif [[ -f "$(stack_pid_file "$name")" ]]; then
    state=dead
  elif component_binary "$STACK_BUILD_DIR" "$name" >/dev/null; then
    state=stopped
  else
    state="not built"
  fi
  printf '%-10s %-10s pid %-8s port %-6s admin %-6s %s\n' "$name" "$state" "${pid:--}" "${STACK_PORT[$name]}" \
    "${STACK_ADMIN_PORT[$name]:--}" "$ready"
}
