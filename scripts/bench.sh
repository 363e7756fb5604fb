#!/usr/bin/env bash
# ./bookstore bench [scenario ...]: builds Release in build/release-bench, starts a stack of its own
# (MariaDB, RabbitMQ, every component, and the nginx reference servers) in .run/bench with its own ports
# and data, runs the scenarios of bench/ (bench/run.py, wrk and the Lua scripts of bench/wrk) and writes
# the table and a JSON file to bench/results/<timestamp>/. docs/performance.md explains the scenarios.
# Never touches the data of `./bookstore up` (.run) or `./bookstore test` (.run/test).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/stack.sh
source "$BS_SCRIPTS/lib/stack.sh"

usage() {
  cat <<EOF
usage: ./bookstore bench [scenario ...] [options]

Scenarios (default: all), by number or name:
  1 book       GET /books/{id} through the gateway: a cache hit vs nginx static (one hop), a cache miss
               vs nginx proxy -> nginx static (two hops), same bytes
  2 list       GET /books?limit=100 through the gateway vs nginx proxy -> nginx static
  3 search     GET /books?q=<word> with the 100,000 books: p99
  4 gateway    the gateway's cost: catalog straight vs through the gateway, next to nginx's proxy cost
  5 login      POST /auth/login per second at the default argon2id cost
  6 orders     purchase saga: orders/s reaching awaiting_payment (one hot book, many books), then
               ./bookstore verify and stock accounting
  7 events     5,000 Server-Sent Events subscribers: a stock change reaches all within 1 s
  8 footprint  resident memory idle and after load, exec -> ready time, per component
  9 home       web: the home page GET / vs nginx serving the page web produced (same bytes)
  10 bookpage  web: a book's page GET /books/{id}, likewise
  11 results   web: search results GET /books?q=the, likewise
  12 cart      web: a logged-in buyer's cart (two books) GET /cart, likewise
  web          scenarios 9 to 12

Options:
  --no-build            use what build/release-bench holds (no package check, no build)
  --keep                leave the bench stack running afterwards (stop it with ./bookstore bench --stop)
  --stop                stop a stack left running by --keep, and exit
  --perf                also profile each BookStore measurement with perf (one extra run each, not
                        counted); reports in the results folder under perf/
  --duration SECONDS    [10] per wrk run        --rounds N [3] runs of each system, alternating
  --warmup SECONDS      [2]                     --books N [100000] books in the data set
  --connections N       [32] scenarios 1, 2, 4, 9-12   --search-connections N [4]
  --login-connections N [8]                     --order-connections N [64]
  --subscribers N       [5000] scenario 7
  -h, --help

Environment (defaults in brackets):
  BOOKSTORE_BENCH_MARIADB_PORT [3460]  BOOKSTORE_BENCH_RABBITMQ_PORT [5760]
  BOOKSTORE_BENCH_RABBITMQ_DIST_PORT [25760]  BOOKSTORE_BENCH_EPMD_PORT [4360]
  BOOKSTORE_BENCH_GATEWAY_PORT [5260] _AUTH_PORT [5261] _CATALOG_PORT [5262] _ORDERS_PORT [5263] _WEB_PORT [8260]
  BOOKSTORE_BENCH_NGINX_STATIC_PORT [8261]  BOOKSTORE_BENCH_NGINX_PROXY_PORT [8262]
  BOOKSTORE_ENV_<COMPONENT>_<NAME>=value   a setting for one component (e.g. BOOKSTORE_ENV_GATEWAY_HTTP_ACCESS_LOG=false)
  BOOKSTORE_LOG_LEVEL [info]   BOOKSTORE_JOBS [nproc] build jobs
  BOOKSTORE_BENCH_BUILD_DIR [build/release-bench]   where the binaries are built (or, with --no-build, taken from)
  BOOKSTORE_BENCH_CXX_FLAGS []   extra compiler flags for that build, e.g. -Wno-error=<warning> while a
                                 Release-only warning waits for its fix (recorded in results.json)
EOF
}

BENCH_RUN_DIR="$BS_ROOT/.run/bench"
BENCH_BUILD_DIR=${BOOKSTORE_BENCH_BUILD_DIR:-$BS_ROOT/build/release-bench}
STACK_RUN_DIR="$BENCH_RUN_DIR"
STACK_BUILD_DIR="$BENCH_BUILD_DIR"
STACK_INFRA=("$BS_SCRIPTS/infra.sh" --run-dir "$BENCH_RUN_DIR")
STACK_BIND=127.0.0.1
MARIADB_PORT=${BOOKSTORE_BENCH_MARIADB_PORT:-3460}
RABBITMQ_PORT=${BOOKSTORE_BENCH_RABBITMQ_PORT:-5760}
DIST_PORT=${BOOKSTORE_BENCH_RABBITMQ_DIST_PORT:-25760}
EPMD_PORT=${BOOKSTORE_BENCH_EPMD_PORT:-4360}
NGINX_STATIC_PORT=${BOOKSTORE_BENCH_NGINX_STATIC_PORT:-8261}
NGINX_PROXY_PORT=${BOOKSTORE_BENCH_NGINX_PROXY_PORT:-8262}
declare -A BENCH_DEFAULT_PORT=([gateway]=5260 [auth]=5261 [catalog]=5262 [orders]=5263 [web]=8260)
for name in "${BS_COMPONENTS[@]}"; do
  var="BOOKSTORE_BENCH_${name^^}_PORT"
  STACK_PORT[$name]=${!var:-${BENCH_DEFAULT_PORT[$name]}}
  var="BOOKSTORE_BENCH_${name^^}_ADMIN_PORT"
  STACK_ADMIN_PORT[$name]=${!var:-0}
done
NGINX_DIR="$BENCH_RUN_DIR/nginx"
NGINX_PID_FILE="$NGINX_DIR/nginx.pid"
# The data set is fixed: no admin account from the caller's environment.
unset BOOKSTORE_ADMIN_EMAIL BOOKSTORE_ADMIN_PASSWORD
# The saga scenarios are 512 buyers placing about 20 orders each within minutes, never paying: past the
# per-user limits a real buyer meets (ORDER_MAX_UNPAID_*, ORDER_RATE_LIMIT), which are lifted here (to the
# highest values orders accepts). bench/suite/fixtures.py says why not fewer buyers.
export BOOKSTORE_ENV_ORDERS_ORDER_MAX_UNPAID_ORDERS=${BOOKSTORE_ENV_ORDERS_ORDER_MAX_UNPAID_ORDERS:-1000000}
export BOOKSTORE_ENV_ORDERS_ORDER_MAX_UNPAID_COPIES=${BOOKSTORE_ENV_ORDERS_ORDER_MAX_UNPAID_COPIES:-1000000}
export BOOKSTORE_ENV_ORDERS_ORDER_RATE_LIMIT=${BOOKSTORE_ENV_ORDERS_ORDER_RATE_LIMIT:-1000000000}
# Scenario 7's 5,000 subscribers all connect from 127.0.0.1: past the streams one client address may hold
# (EVENTS_MAX_STREAMS_PER_CLIENT, 32; issue 13), which is lifted here.
export BOOKSTORE_ENV_GATEWAY_EVENTS_MAX_STREAMS_PER_CLIENT=${BOOKSTORE_ENV_GATEWAY_EVENTS_MAX_STREAMS_PER_CLIENT:-10000000}

build=1 keep=0 stop_only=0
run_args=()
while (($#)); do
  case "$1" in
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    --stop) stop_only=1 ;;
    --perf) run_args+=("$1") ;;
    --duration | --rounds | --warmup | --books | --connections | --search-connections | --login-connections | \
      --order-connections | --subscribers)
      (($# >= 2)) || die "$1 needs a value"
      [[ "$2" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "$1 needs a number, not '$2'"
      run_args+=("$1" "$2")
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option '$1'" ;;
    [1-9] | 1[0-2] | book | list | search | gateway | login | orders | events | footprint | home | bookpage | \
      results | cart | web) run_args+=("$1") ;;
    *) usage >&2; die "unknown scenario '$1'" ;;
  esac
  shift
done

mkdir -p "$BS_ROOT/.run"
exec 9>"$BS_ROOT/.run/bench.lock"
flock -n 9 || die "another ./bookstore bench is running in this checkout"

nginx_stop() {
  local pid
  pid=$(read_pid "$NGINX_PID_FILE")
  [[ -n "$pid" ]] && pid_runs "$pid" /usr/sbin/nginx && stop_pid "$pid" nginx 20
  rm -f "$NGINX_PID_FILE"
}

stop_everything() {
  stack_stop_all
  nginx_stop
  if [[ -d "$BENCH_RUN_DIR" ]]; then
    "${STACK_INFRA[@]}" stop || warn "stopping the bench MariaDB and RabbitMQ failed"
  fi
}

if ((stop_only)); then
  say "stopping the bench stack in ${BENCH_RUN_DIR#"$BS_ROOT"/}"
  stop_everything
  exit 0
fi

cleanup() {
  trap - INT TERM EXIT
  if ((keep)); then
    say "the bench stack keeps running (gateway $(stack_url gateway)); stop it with ./bookstore bench --stop"
  else
    say "stopping the bench stack"
    stop_everything
  fi
}
trap cleanup EXIT
trap 'warn "interrupted"; exit 130' INT TERM

# Thousands of SSE subscribers need as many descriptors in the gateway (which inherits this limit) and
# in the client.
hard=$(ulimit -Hn)
[[ "$hard" == unlimited ]] && hard=1048576
ulimit -n "$hard" || warn "could not raise the file-descriptor limit to $hard"
(($(ulimit -n) >= 12000)) || warn "the file-descriptor limit is $(ulimit -n): scenario 7 needs about 11,000"

# ------------------------------------------------------------------------------------------- build

# A component that does not build (others may be midway through their work) is left out, and so are
# the scenarios needing it; an older binary of it is not run instead. With --no-build, whatever is there
# runs.
missing=()
build_failed=0
if ((build)); then
  ensure_packages
  # CMAKE_CXX_FLAGS is always given, so a flag of an earlier run never lingers in the cache.
  if ! cmake_build "$BENCH_BUILD_DIR" Release -DBOOKSTORE_BUILD_TESTS=OFF -DBOOKSTORE_BUILD_BENCH=ON \
    -DCMAKE_CXX_FLAGS="${BOOKSTORE_BENCH_CXX_FLAGS:-}"; then
    build_failed=1
    warn "the build failed; building what can be built and leaving out the components that cannot"
    cmake --build "$BENCH_BUILD_DIR" -j "$(build_jobs)" -- -k 0 >"$BENCH_BUILD_DIR/build-keep-going.log" 2>&1 || true
  fi
fi
for name in "${BS_COMPONENTS[@]}"; do
  if ! bin=$(component_binary "$BENCH_BUILD_DIR" "$name"); then
    missing+=("$name")
  elif ((build_failed)) &&
    ninja -C "$BENCH_BUILD_DIR" -n "$(basename "$bin")" 2>/dev/null | grep -qE 'Building|Linking'; then
    warn "$name does not build (see $BENCH_BUILD_DIR/build-keep-going.log); it is left out"
    missing+=("$name")
  fi
done
((${#missing[@]})) && warn "not built: ${missing[*]}"

# ------------------------------------------------------------------------------- servers and stack

# Whatever an interrupted earlier run left (found through its pid files) goes first.
stack_stop_all
nginx_stop
for name in "${BS_COMPONENTS[@]}"; do
  port_open "${STACK_PORT[$name]}" && die "port ${STACK_PORT[$name]} for $name is taken (BOOKSTORE_BENCH_${name^^}_PORT chooses another)"
done
for port in "$NGINX_STATIC_PORT" "$NGINX_PROXY_PORT"; do
  port_open "$port" && die "port $port for nginx is taken (BOOKSTORE_BENCH_NGINX_STATIC_PORT / _PROXY_PORT)"
done

# Fresh servers and data every run: the data set is loaded into empty databases.
say "starting a fresh MariaDB :$MARIADB_PORT and RabbitMQ :$RABBITMQ_PORT in ${BENCH_RUN_DIR#"$BS_ROOT"/}"
"${STACK_INFRA[@]}" wipe
"${STACK_INFRA[@]}" --profile dev --mariadb-port "$MARIADB_PORT" --rabbitmq-port "$RABBITMQ_PORT" \
  --mgmt-port 0 --dist-port "$DIST_PORT" --epmd-port "$EPMD_PORT" start
amqp_password=$(cat "$BENCH_RUN_DIR/secrets/rabbitmq_bookstore_password")
stack_prepare_secrets "amqp://bookstore:$amqp_password@127.0.0.1:$RABBITMQ_PORT/"
stack_create_databases

# start_timed <name> <label>: starts a component and measures exec -> ready (bench/tools/ready_time.py
# polls /readyz from before the exec). Prints the milliseconds; fails when it exits or is not ready in
# time.
start_timed() {
  local name=$1 out="$BENCH_RUN_DIR/startup/$1-$2"
  mkdir -p "$BENCH_RUN_DIR/startup"
  rm -f "$out".*
  "$BS_PYTHON" "$BS_ROOT/bench/tools/ready_time.py" --url "$(stack_url "$name")" \
    --pid-file "$(stack_pid_file "$name")" --armed "$out.armed" --timeout 60 >"$out.json" &
  local poller=$!
  poll_until 30 test -e "$out.armed" || die "the readiness poller did not start"
  stack_start "$name" "$MARIADB_PORT" || { kill "$poller" 2>/dev/null; return 1; }
  while pid_alive "$poller"; do
    if [[ -z "$(stack_component_pid "$name")" ]]; then
      kill "$poller" 2>/dev/null
      echo '{"error": "exited during start-up"}' >"$out.json"
      break
    fi
    sleep 0.05
  done
  if ! wait "$poller" || ! grep -q ready_ms "$out.json"; then
    warn "$name did not become ready ($(cat "$out.json")); the end of its log:"
    tail -n 5 "$STACK_RUN_DIR/logs/$name.log" >&2 || true
    return 1
  fi
  "$BS_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["ready_ms"])' "$out.json"
}

# Components a component cannot be ready without.
declare -A NEEDS=([gateway]=auth [web]=gateway)
declare -A first_ms=() restart_ms=()
started=() failed=()
for name in "${BS_COMPONENTS[@]}"; do
  [[ " ${missing[*]} " == *" $name "* ]] && continue
  need=${NEEDS[$name]:-}
  if [[ -n "$need" && " ${started[*]} " != *" $need "* ]]; then
    warn "$name is left out: it needs $need, which is not running"
    failed+=("$name")
    continue
  fi
  if ms=$(start_timed "$name" first); then
    first_ms[$name]=$ms
    started+=("$name")
    say "$name ready in $ms ms after exec (first start: migrations on an empty database)"
  else
    failed+=("$name")
    stack_stop "$name"
  fi
done
# The start-up that matters day to day: again, on an existing database.
for name in "${started[@]}"; do
  stack_stop "$name"
  ms=$(start_timed "$name" restart) || die "$name did not come back after a restart"
  restart_ms[$name]=$ms
  say "$name ready in $ms ms after exec (restart)"
done
{
  printf '{'
  sep=""
  for name in "${started[@]}"; do
    printf '%s"%s": {"first_ms": %s, "restart_ms": %s}' "$sep" "$name" "${first_ms[$name]}" "${restart_ms[$name]}"
    sep=", "
  done
  printf '}\n'
} >"$BENCH_RUN_DIR/startup.json"

# The reference: nginx as Debian ships it, tuned (bench/nginx/nginx.conf.in), one worker per core.
mkdir -p "$NGINX_DIR/www/ref" "$NGINX_DIR/tmp"
user_line=""
((EUID == 0)) && user_line="user root;"
sed -e "s|@USER@|$user_line|" -e "s|@WORKERS@|$(nproc)|" -e "s|@PREFIX@|$NGINX_DIR|g" -e "s|@ROOT@|$NGINX_DIR/www|" \
  -e "s|@STATIC_PORT@|$NGINX_STATIC_PORT|g" -e "s|@PROXY_PORT@|$NGINX_PROXY_PORT|g" \
  "$BS_ROOT/bench/nginx/nginx.conf.in" >"$NGINX_DIR/nginx.conf"
nginx -t -q -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" || die "the nginx configuration is invalid"
setsid nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" </dev/null >>"$BENCH_RUN_DIR/logs/nginx.log" 2>&1 9>&- &
poll_until 10 port_open "$NGINX_PROXY_PORT" || die "nginx did not start (see $NGINX_DIR/error.log)"

# ------------------------------------------------------------------------------------------- run

results="$BS_ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
cp "$BENCH_RUN_DIR/startup.json" "$results/"
export BENCH_ROOT="$BS_ROOT" BENCH_RUN_DIR BENCH_RESULTS_DIR="$results" BENCH_STARTUP_FILE="$BENCH_RUN_DIR/startup.json"
export BENCH_NGINX_STATIC_URL="http://127.0.0.1:$NGINX_STATIC_PORT" BENCH_NGINX_PROXY_URL="http://127.0.0.1:$NGINX_PROXY_PORT"
export BENCH_NGINX_ROOT="$NGINX_DIR/www" BENCH_NGINX_PID_FILE="$NGINX_PID_FILE"
export BENCH_DB_PORT="$MARIADB_PORT" BENCH_DB_CNF="$BENCH_RUN_DIR/secrets/mariadb-root.cnf"
export BENCH_DB_PASSWORD_FILE="$BENCH_RUN_DIR/secrets/mariadb_root_password"
export BENCH_MICRO_DIR="$BENCH_BUILD_DIR/bench" BENCH_MISSING="${missing[*]}" BENCH_FAILED="${failed[*]}"
BENCH_GIT_COMMIT="$(git -C "$BS_ROOT" rev-parse --short HEAD 2>/dev/null || true)"
[[ -n "$(git -C "$BS_ROOT" status --porcelain 2>/dev/null | head -n 1)" ]] && BENCH_GIT_COMMIT+=" (with uncommitted changes)"
export BENCH_GIT_COMMIT BENCH_CXX_FLAGS="${BOOKSTORE_BENCH_CXX_FLAGS:-}"
for name in "${BS_COMPONENTS[@]}"; do
  export "BENCH_URL_${name^^}=$(stack_url "$name")"
done
((${#missing[@]} + ${#failed[@]})) &&
  warn "left out: ${missing[*]} ${failed[*]}; the scenarios needing them report why they could not run"
say "running the scenarios (results in ${results#"$BS_ROOT"/})"
"$BS_PYTHON" "$BS_ROOT/bench/run.py" "${run_args[@]}"
