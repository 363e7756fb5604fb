#!/usr/bin/env bash
# A private MariaDB + RabbitMQ pair whose data, logs, pid files and secrets all live in one run folder.
# Used by `./bookstore up` (run folder .run, profile dev), by `./bookstore test` (.run/test, profile
# test) and by integration tests through BOOKSTORE_TEST_INFRA ("<this script> --run-dir <dir>").
# It never touches a system-wide MariaDB or RabbitMQ: every server runs from the distribution's binaries
# with --no-defaults / private RABBITMQ_* variables, on loopback, on its own ports, with its own epmd.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
usage: infra.sh [options] COMMAND [SERVER]

commands:
  start   [mariadb|rabbitmq|all]   start (idempotent); returns once ready
  stop    [mariadb|rabbitmq|all]   stop, keeping data; makes sure no process is left
  restart [mariadb|rabbitmq|all]   stop then start; returns once ready again
  status                           one line per server: running/dead, pid, port, ready
  env                              the endpoints as KEY=VALUE lines
  exports                          "export BOOKSTORE_TEST_..." lines for integration tests by hand:
                                   eval "\$(./bookstore infra --run-dir .run/test exports)"
  sql [mariadb args...]            the mariadb client as root (SQL on stdin or with -e)
  ctl [rabbitmqctl args...]        rabbitmqctl for this node
  wipe                             stop everything and delete the run folder

options (saved in <run dir>/infra.env at start, so later calls only need --run-dir):
  --run-dir DIR        run folder (default: <checkout>/.run)
  --profile dev|test   dev: generated passwords, management plugin, RabbitMQ users admin + bookstore;
                       test: MariaDB root without password, RabbitMQ guest/guest, faster and less durable
  --mariadb-port N     (dev default \$BOOKSTORE_MARIADB_PORT or 3420)
  --rabbitmq-port N    AMQP (dev default \$BOOKSTORE_RABBITMQ_PORT or 5690)
  --mgmt-port N        management UI, 0 for none (dev default \$BOOKSTORE_RABBITMQ_MGMT_PORT or 15690)
  --dist-port N        Erlang distribution (dev default \$BOOKSTORE_RABBITMQ_DIST_PORT or 25690)
  --epmd-port N        our own epmd (dev default \$BOOKSTORE_EPMD_PORT or 4380)
EOF
}

RUN_DIR="$BS_ROOT/.run"
declare -A CLI=()
while (($#)); do
  case "$1" in
    --run-dir) RUN_DIR=$2; shift 2 ;;
    --profile) CLI[PROFILE]=$2; shift 2 ;;
    --mariadb-port) CLI[MARIADB_PORT]=$2; shift 2 ;;
    --rabbitmq-port) CLI[RABBITMQ_PORT]=$2; shift 2 ;;
    --mgmt-port) CLI[MGMT_PORT]=$2; shift 2 ;;
    --dist-port) CLI[DIST_PORT]=$2; shift 2 ;;
    --epmd-port) CLI[EPMD_PORT]=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --*) usage >&2; die "unknown option $1" ;;
    *) break ;;
  esac
done
(($#)) || { usage >&2; exit 2; }
COMMAND=$1
shift

RUN_DIR=$(realpath -m "$RUN_DIR")
CONFIG_FILE="$RUN_DIR/infra.env"
LOG_DIR="$RUN_DIR/logs"
SECRETS_DIR="$RUN_DIR/secrets"
MDB_DIR="$RUN_DIR/mariadb"
MDB_DATA="$MDB_DIR/data"
MDB_PID_FILE="$MDB_DIR/mariadbd.pid"
MDB_CLIENT_CNF="$SECRETS_DIR/mariadb-root.cnf"
RMQ_DIR="$RUN_DIR/rabbitmq"
RMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid"
RMQ_LOG="$LOG_DIR/rabbitmq.log"
EPMD_PID_FILE="$RMQ_DIR/epmd.pid"

load_config() {
  PROFILE=dev
  MARIADB_PORT=${BOOKSTORE_MARIADB_PORT:-3420}
  RABBITMQ_PORT=${BOOKSTORE_RABBITMQ_PORT:-5690}
  MGMT_PORT=${BOOKSTORE_RABBITMQ_MGMT_PORT:-15690}
  DIST_PORT=${BOOKSTORE_RABBITMQ_DIST_PORT:-25690}
  EPMD_PORT=${BOOKSTORE_EPMD_PORT:-4380}
  if [[ -f "$CONFIG_FILE" ]]; then
    # shellcheck source=/dev/null
    source "$CONFIG_FILE"
  fi
  local key
  for key in "${!CLI[@]}"; do
    printf -v "$key" '%s' "${CLI[$key]}"
  done
  [[ "$PROFILE" == dev || "$PROFILE" == test ]] || die "unknown profile '$PROFILE' (dev or test)"
  for key in MARIADB_PORT RABBITMQ_PORT MGMT_PORT DIST_PORT EPMD_PORT; do
    [[ "${!key}" =~ ^[0-9]+$ ]] || die "$key must be a port number, not '${!key}'"
  done
  NODE_NAME="bookstore-$PROFILE@localhost"
  # A unix socket path must fit in 108 bytes; deep checkouts fall back to a short private folder.
  MDB_SOCKET="$MDB_DIR/mariadbd.sock"
  if ((${#MDB_SOCKET} > 100)); then
    MDB_SOCKET="/tmp/bookstore-$(printf '%s' "$RUN_DIR" | md5sum | cut -c1-12).sock"
  fi
}

config_text() {
  cat <<EOF
PROFILE=$PROFILE
MARIADB_PORT=$MARIADB_PORT
RABBITMQ_PORT=$RABBITMQ_PORT
MGMT_PORT=$MGMT_PORT
DIST_PORT=$DIST_PORT
EPMD_PORT=$EPMD_PORT
EOF
}

# save_config: records the settings for later calls; refuses to change them under running servers.
save_config() {
  mkdir -p "$RUN_DIR"
  if [[ -f "$CONFIG_FILE" && "$(config_text)" != "$(cat "$CONFIG_FILE")" ]]; then
    if pid_alive "$(mdb_pid)" || pid_alive "$(rmq_pid)" || pid_alive "$(read_pid "$EPMD_PID_FILE")"; then
      die "the servers in $RUN_DIR run with other settings ($(tr '\n' ' ' <"$CONFIG_FILE")); stop them first"
    fi
  fi
  config_text >"$CONFIG_FILE"
}

# require_free_port <port> <what> <option>: refuse to start on a port something else already holds.
require_free_port() {
  port_open "$1" && die "port $1 ($2) is already in use by another program; choose another with $3"
  return 0
}

# session_pids <sid>: live (non-zombie) processes of a session.
session_pids() {
  [[ -n "$1" ]] || return 0
  { ps -o pid=,stat= -s "$1" 2>/dev/null || true; } | awk '$2 !~ /^Z/ {print $1}'
}
session_empty() { [[ -z "$(session_pids "$1")" ]]; }

# kill_session <sid> <name>: ends whatever is left of a process session we started with setsid (Erlang
# helpers such as erl_child_setup or inet_gethost, a server's children).
kill_session() {
  local sid=$1 name=$2 pids
  pids=$(session_pids "$sid" | tr '\n' ' ')
  [[ -n "${pids// /}" ]] || return 0
  warn "$name left processes behind ($pids); ending them"
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  poll_until 5 session_empty "$sid" || {
    # shellcheck disable=SC2046
    kill -KILL $(session_pids "$sid") 2>/dev/null || true
  }
}

# launch <pid file> <log file> <command...>: starts a server in a session of its own (so a Ctrl-C or a
# closed terminal does not reach it) and records its pid.
launch() {
  local pid_file=$1 log_file=$2
  shift 2
  mkdir -p "$(dirname "$log_file")" "$(dirname "$pid_file")"
  # fd 9 is the caller's lock (up, test): a server must not inherit and hold it.
  setsid "$@" </dev/null >>"$log_file" 2>&1 9>&- &
  echo $! >"$pid_file"
}

# ---------------------------------------------------------------------------------------------- MariaDB

mdb_client() {
  mariadb --defaults-file="$MDB_CLIENT_CNF" --default-character-set=utf8mb4 "$@"
}

mdb_pid() { read_pid "$MDB_PID_FILE"; }

# Pings through the socket with root's own credentials once they exist (a refused login would log a
# warning on every poll); the TCP listener opens together with the socket.
mdb_ready() {
  local auth=(--no-defaults --user=root)
  [[ -s "$MDB_CLIENT_CNF" ]] && auth=(--defaults-file="$MDB_CLIENT_CNF")
  mariadb-admin "${auth[@]}" --socket="$MDB_SOCKET" --connect-timeout=1 ping >/dev/null 2>&1
}

write_mdb_client_cnf() {
  local password=$1
  mkdir -p "$SECRETS_DIR"
  chmod 700 "$SECRETS_DIR"
  (
    umask 077
    printf '[client]\nuser=root\npassword=%s\nsocket=%s\n' "$password" "$MDB_SOCKET" >"$MDB_CLIENT_CNF"
  )
}

mdb_install() {
  [[ -d "$MDB_DATA/mysql" ]] && return 0
  say "creating MariaDB data folder in ${MDB_DATA#"$BS_ROOT"/}"
  rm -rf "$MDB_DATA"
  mkdir -p "$MDB_DATA" "$LOG_DIR"
  local user_args=()
  ((EUID == 0)) && user_args=(--user=root)
  mariadb-install-db --no-defaults --datadir="$MDB_DATA" --auth-root-authentication-method=normal \
    --skip-test-db "${user_args[@]}" >>"$LOG_DIR/mariadb-install.log" 2>&1 ||
    die "mariadb-install-db failed; see $LOG_DIR/mariadb-install.log"
  rm -f "$MDB_DIR/root-password-set"
}

mdb_start() {
  local pid
  pid=$(mdb_pid)
  if pid_alive "$pid"; then
    poll_until 60 mdb_ready || die "MariaDB (pid $pid) is running but does not answer; see $LOG_DIR/mariadb.log"
    return 0
  fi
  require_free_port "$MARIADB_PORT" "MariaDB" "--mariadb-port (up: BOOKSTORE_MARIADB_PORT)"
  mdb_install
  mkdir -p "$MDB_DIR/tmp" "$LOG_DIR"
  rm -f "$MDB_SOCKET" "$MDB_PID_FILE"
  local args=(
    --no-defaults --datadir="$MDB_DATA" --socket="$MDB_SOCKET" --pid-file="$MDB_PID_FILE"
    --port="$MARIADB_PORT" --bind-address=127.0.0.1 --skip-name-resolve --tmpdir="$MDB_DIR/tmp"
    --character-set-server=utf8mb4 --collation-server=utf8mb4_uca1400_ai_ci
    --log-error="$LOG_DIR/mariadb.log" --max-connections=500
  )
  ((EUID == 0)) && args+=(--user=root)
  # Test data is thrown away: trade durability on power loss (not on a process kill) for speed.
  [[ "$PROFILE" == test ]] && args+=(--innodb-flush-log-at-trx-commit=2 --sync-binlog=0 --innodb-doublewrite=0)
  launch "$MDB_DIR/launch.pid" "$LOG_DIR/mariadb.log" mariadbd "${args[@]}"
  local launched
  launched=$(read_pid "$MDB_DIR/launch.pid")
  if ! poll_until 60 mdb_ready; then
    tail -n 20 "$LOG_DIR/mariadb.log" >&2 || true
    die "MariaDB did not become ready on port $MARIADB_PORT within 60s"
  fi
  pid_alive "$(mdb_pid)" || echo "$launched" >"$MDB_PID_FILE"
  mdb_secure
}

# The dev instance gets a generated root password (so other local users cannot walk in); the test
# instance keeps root without one, as the integration tests expect.
mdb_secure() {
  if [[ "$PROFILE" == test ]]; then
    [[ -f "$MDB_CLIENT_CNF" ]] || write_mdb_client_cnf ""
    return 0
  fi
  local password
  password=$(ensure_secret "$SECRETS_DIR/mariadb_root_password")
  if [[ ! -f "$MDB_DIR/root-password-set" ]]; then
    write_mdb_client_cnf ""
    mdb_client <<SQL
ALTER USER 'root'@'localhost' IDENTIFIED BY '$password';
ALTER USER IF EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '$password';
ALTER USER IF EXISTS 'root'@'::1' IDENTIFIED BY '$password';
DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1', '::1'));
FLUSH PRIVILEGES;
SQL
    touch "$MDB_DIR/root-password-set"
  fi
  write_mdb_client_cnf "$password"
}

mdb_stop() {
  local pid
  pid=$(mdb_pid)
  [[ -n "$pid" ]] || pid=$(read_pid "$MDB_DIR/launch.pid")
  if pid_alive "$pid"; then
    stop_pid "$pid" MariaDB 60
  fi
  kill_session "$(read_pid "$MDB_DIR/launch.pid")" MariaDB
  rm -f "$MDB_PID_FILE" "$MDB_DIR/launch.pid"
}

# ---------------------------------------------------------------------------------------------- RabbitMQ

# Every RabbitMQ program runs with a clean environment pointing into the run folder, so neither the
# system's /etc/rabbitmq nor the caller's variables leak in. Sets the array RMQ_ENV (an `env` command).
set_rmq_env() {
  local loopback='-kernel inet_dist_use_interface {127,0,0,1}'
  RMQ_ENV=(
    env -i PATH=/usr/lib/rabbitmq/bin:/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8
    HOME="$RMQ_DIR/home"
    RABBITMQ_NODENAME="$NODE_NAME"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$RABBITMQ_PORT"
    RABBITMQ_DIST_PORT="$DIST_PORT"
    ERL_EPMD_ADDRESS=127.0.0.1
    ERL_EPMD_PORT="$EPMD_PORT"
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
    RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    RABBITMQ_LOGS="$RMQ_LOG"
    RABBITMQ_PID_FILE="$RMQ_PID_FILE"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$loopback"
    RABBITMQ_CTL_ERL_ARGS="$loopback"
    RABBITMQ_CTL_DIST_PORT_MIN=$((DIST_PORT + 1))
    RABBITMQ_CTL_DIST_PORT_MAX=$((DIST_PORT + 9))
  )
}

rmq_ctl() { "${RMQ_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl -n "$NODE_NAME" "$@"; }

rmq_pid() { read_pid "$RMQ_DIR/server.pid"; }

# Users for the dev profile come from a definitions file (no rabbitmqctl round trips): `admin` for the
# management UI, `bookstore` with rights on vhost / only, for the services.
write_rmq_definitions() {
  local admin_password bookstore_password
  admin_password=$(ensure_secret "$SECRETS_DIR/rabbitmq_admin_password")
  bookstore_password=$(ensure_secret "$SECRETS_DIR/rabbitmq_bookstore_password")
  (
    umask 077
    ADMIN_PASSWORD=$admin_password BOOKSTORE_PASSWORD=$bookstore_password "$BS_PYTHON" - >"$RMQ_DIR/definitions.json" <<'PY'
import base64, hashlib, json, os, secrets

def password_hash(password):
    # RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password)), 4-byte salt.
    salt = secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()

users = [("admin", os.environ["ADMIN_PASSWORD"], "administrator"),
         ("bookstore", os.environ["BOOKSTORE_PASSWORD"], "")]
print(json.dumps({
    "users": [{"name": n, "password_hash": password_hash(p),
               "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": t} for n, p, t in users],
    "vhosts": [{"name": "/"}],
    "permissions": [{"user": n, "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}
                    for n, _, _ in users],
}, indent=2))
PY
  )
}

write_rmq_config() {
  mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$LOG_DIR"
  : >"$RMQ_DIR/rabbitmq-env.conf"
  {
    echo "listeners.tcp.default = 127.0.0.1:$RABBITMQ_PORT"
    echo "log.console = false"
    echo "log.file.level = info"
    if [[ "$PROFILE" == test ]]; then
      echo "loopback_users = none"
    else
      echo "load_definitions = $RMQ_DIR/definitions.json"
    fi
    if ((MGMT_PORT > 0)); then
      echo "management.tcp.ip = 127.0.0.1"
      echo "management.tcp.port = $MGMT_PORT"
    fi
  } >"$RMQ_DIR/rabbitmq.conf"
  if ((MGMT_PORT > 0)); then
    echo '[rabbitmq_management].' >"$RMQ_DIR/enabled_plugins"
  else
    echo '[].' >"$RMQ_DIR/enabled_plugins"
  fi
  [[ "$PROFILE" == dev ]] && write_rmq_definitions
  return 0
}

epmd_start() {
  local pid
  pid=$(read_pid "$EPMD_PID_FILE")
  if pid_alive "$pid" && port_open "$EPMD_PORT"; then
    return 0
  fi
  require_free_port "$EPMD_PORT" "epmd" "--epmd-port (up: BOOKSTORE_EPMD_PORT)"
  launch "$EPMD_PID_FILE" "$LOG_DIR/epmd.log" epmd -address 127.0.0.1 -port "$EPMD_PORT"
  poll_until 10 port_open "$EPMD_PORT" || die "epmd did not start on port $EPMD_PORT; see $LOG_DIR/epmd.log"
}

epmd_stop() {
  local pid
  pid=$(read_pid "$EPMD_PID_FILE")
  pid_alive "$pid" && stop_pid "$pid" epmd 10
  kill_session "$pid" epmd
  rm -f "$EPMD_PID_FILE"
}

# Ready means: the node logged that its start-up completed after our launch, and its listeners accept
# connections (this avoids a 0.5 s rabbitmqctl call per poll).
rmq_ready() {
  tail -c +"$((RMQ_LOG_OFFSET + 1))" "$RMQ_LOG" 2>/dev/null | grep -q 'Server startup complete' &&
    port_open "$RABBITMQ_PORT" && { ((MGMT_PORT == 0)) || port_open "$MGMT_PORT"; }
}

rmq_start() {
  local pid
  pid=$(rmq_pid)
  if pid_alive "$pid" && port_open "$RABBITMQ_PORT"; then
    return 0
  fi
  if [[ -n "$pid" || -f "$EPMD_PID_FILE" ]]; then
    rmq_stop # leftovers of a node that died: clean up first
  fi
  require_free_port "$RABBITMQ_PORT" "RabbitMQ AMQP" "--rabbitmq-port (up: BOOKSTORE_RABBITMQ_PORT)"
  require_free_port "$DIST_PORT" "RabbitMQ distribution" "--dist-port (up: BOOKSTORE_RABBITMQ_DIST_PORT)"
  ((MGMT_PORT == 0)) || require_free_port "$MGMT_PORT" "RabbitMQ management" "--mgmt-port (up: BOOKSTORE_RABBITMQ_MGMT_PORT)"
  write_rmq_config
  epmd_start
  RMQ_LOG_OFFSET=$(stat -c %s "$RMQ_LOG" 2>/dev/null || echo 0)
  launch "$RMQ_DIR/server.pid" "$LOG_DIR/rabbitmq-console.log" "${RMQ_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server
  pid=$(rmq_pid)
  local deadline=$(($(now_ms) + 120000))
  until rmq_ready; do
    if pid_dead "$pid" || (($(now_ms) > deadline)); then
      tail -n 30 "$LOG_DIR/rabbitmq-console.log" "$RMQ_LOG" >&2 2>/dev/null || true
      die "RabbitMQ did not start on port $RABBITMQ_PORT; see $LOG_DIR/rabbitmq*.log"
    fi
    sleep 0.1
  done
}

# The Erlang VM itself: the pid file RabbitMQ writes, or the beam.smp in the session we launched (the
# pid file is not always written).
rmq_beam_pid() {
  local pid
  pid=$(read_pid "$RMQ_PID_FILE")
  if ! pid_alive "$pid"; then
    pid=$(session_pids "$(rmq_pid)" | while read -r p; do
      [[ "$(readlink "/proc/$p/exe" 2>/dev/null)" == */beam.smp ]] && echo "$p"
    done | head -n 1)
  fi
  echo "$pid"
}

rmq_stop() {
  local wrapper beam
  wrapper=$(rmq_pid)
  beam=$(rmq_beam_pid)
  if pid_alive "$beam"; then
    timeout 60 "${RMQ_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl -n "$NODE_NAME" -q stop \
      >>"$LOG_DIR/rabbitmq-console.log" 2>&1 || warn "rabbitmqctl stop failed; stopping RabbitMQ by signal"
    stop_pid "$beam" RabbitMQ 30
  fi
  stop_pid "$wrapper" "RabbitMQ wrapper" 10
  kill_session "$wrapper" RabbitMQ
  rm -f "$RMQ_DIR/server.pid" "$RMQ_PID_FILE"
  epmd_stop
}

# ------------------------------------------------------------------------------------------------ all

# A server process still running from this run folder after a stop is a bug; report and end it. Only
# server executables are considered (a `tail -F` on a log file there is none of our business).
check_nothing_left() {
  local pid exe left=()
  for pid in $(pgrep -f -- "$RUN_DIR/" 2>/dev/null); do
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
    case "${exe##*/}" in
      mariadbd | beam.smp | epmd | erl_child_setup) left+=("$pid") ;;
    esac
  done
  ((${#left[@]})) || return 0
  warn "server processes still running from $RUN_DIR after stop: ${left[*]}; ending them"
  ps -o pid,args -p "$(IFS=,; echo "${left[*]}")" >&2 || true
  kill -KILL "${left[@]}" 2>/dev/null || true
}

status_line() {
  local name=$1 pid=$2 port=$3 ready=$4 state=stopped
  if [[ -n "$pid" ]]; then
    state=dead
    pid_alive "$pid" && state=running
  fi
  [[ "$state" == running ]] || ready=-
  printf '%-10s %-10s pid %-8s port %-6s %s\n' "$name" "$state" "${pid:--}" "$port" "$ready"
}

show_status() {
  local ready
  ready="not ready"
  mdb_ready && ready=ready
  status_line mariadb "$(mdb_pid)" "$MARIADB_PORT" "$ready"
  ready="not ready"
  port_open "$RABBITMQ_PORT" && ready=ready
  ((MGMT_PORT > 0)) && ready+=" (management http://127.0.0.1:$MGMT_PORT/)"
  status_line rabbitmq "$(rmq_beam_pid)" "$RABBITMQ_PORT" "$ready"
  ready="not ready"
  port_open "$EPMD_PORT" && ready=ready
  status_line epmd "$(read_pid "$EPMD_PID_FILE")" "$EPMD_PORT" "$ready"
}

show_env() {
  local amqp_user=guest amqp_password=guest db_password=""
  if [[ "$PROFILE" == dev ]]; then
    amqp_user=bookstore
    amqp_password=$(cat "$SECRETS_DIR/rabbitmq_bookstore_password" 2>/dev/null || true)
    db_password=$(cat "$SECRETS_DIR/mariadb_root_password" 2>/dev/null || true)
  fi
  cat <<EOF
DB_HOST=127.0.0.1
DB_PORT=$MARIADB_PORT
DB_ROOT_USER=root
DB_ROOT_PASSWORD=$db_password
DB_SOCKET=$MDB_SOCKET
AMQP_HOST=127.0.0.1
AMQP_PORT=$RABBITMQ_PORT
AMQP_URL=amqp://$amqp_user:$amqp_password@127.0.0.1:$RABBITMQ_PORT/
MGMT_URL=$( ((MGMT_PORT > 0)) && echo "http://127.0.0.1:$MGMT_PORT/")
EOF
}

# The variables integration and system tests read, pointing at this pair.
show_exports() {
  local db_password="" amqp_url
  [[ "$PROFILE" == dev ]] && db_password=$(cat "$SECRETS_DIR/mariadb_root_password" 2>/dev/null || true)
  amqp_url=$(show_env | sed -n 's/^AMQP_URL=//p')
  printf 'export BOOKSTORE_TEST_DB_HOST=127.0.0.1 BOOKSTORE_TEST_DB_PORT=%q BOOKSTORE_TEST_DB_USER=root\n' "$MARIADB_PORT"
  printf 'export BOOKSTORE_TEST_DB_PASSWORD=%q\n' "$db_password"
  printf 'export BOOKSTORE_TEST_AMQP_URL=%q\n' "$amqp_url"
  printf 'export BOOKSTORE_TEST_INFRA=%q\n' "$BS_SCRIPTS/infra.sh --run-dir $RUN_DIR"
}

for_servers() {
  local action=$1 which=${2:-all}
  case "$which" in
    mariadb) "mdb_$action" ;;
    rabbitmq) "rmq_$action" ;;
    all)
      if [[ "$action" == stop ]]; then
        mdb_stop &
        local mdb_job=$!
        rmq_stop
        wait "$mdb_job" || warn "stopping MariaDB failed"
        check_nothing_left
      elif [[ "$action" == start ]]; then
        # Both at once: MariaDB is ready long before RabbitMQ has booted.
        mdb_start &
        local mdb_job=$!
        rmq_start
        wait "$mdb_job" || die "MariaDB did not start"
      else
        "mdb_$action"
        "rmq_$action"
      fi
      ;;
    *) die "unknown server '$which' (mariadb, rabbitmq or all)" ;;
  esac
}

load_config
set_rmq_env
case "$COMMAND" in
  start)
    save_config
    for_servers start "${1:-all}"
    ;;
  stop)
    if [[ -d "$RUN_DIR" ]]; then for_servers stop "${1:-all}"; fi
    ;;
  restart)
    for_servers stop "${1:-all}"
    for_servers start "${1:-all}"
    ;;
  status) show_status ;;
  env) show_env ;;
  exports) show_exports ;;
  sql) mdb_client "$@" ;;
  ctl) rmq_ctl "$@" ;;
  wipe)
    if [[ -d "$RUN_DIR" ]]; then
      for_servers stop all
      rm -rf "$RUN_DIR"
    fi
    ;;
  *) usage >&2; die "unknown command '$COMMAND'" ;;
esac
