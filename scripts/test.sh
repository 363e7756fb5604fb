#!/usr/bin/env bash
# ./bookstore test: install what is missing, build build/test (Debug), start a throwaway MariaDB and
# RabbitMQ in .run/test (wiped first, on other ports than `up`), run every test (ctest unit, ctest
# integration, the same under ASan+UBSan with the fuzz targets, pytest system tests, browser tests), stop
# what it started, and end with one line
# `N passed, N failed` counted from the JUnit XML of every stage. Exits non-zero on any failure.
set -uo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/stack.sh
source "$BS_SCRIPTS/lib/stack.sh"

usage() {
  cat <<EOF
usage: ./bookstore test [lint] [unit] [integration] [sanitize] [system] [browser] [swarm] [options]

Stages run in that order; naming some runs only those (default: all). sanitize: the ctest tests built
with clang, ASan and UBSan in build/sanitize, then every fuzz target for BOOKSTORE_TEST_FUZZ_SECONDS [30]
from its seed corpus (./bookstore fuzz).
  -R REGEX      only ctest tests matching REGEX (only the ctest stages unless stages are named)
  -k EXPR       only system tests matching the pytest expression (only the system stage unless named)
  --no-build    skip installing packages and building (use build/test as it is)
  --keep        leave the test servers running afterwards (stop: ./bookstore infra --run-dir .run/test stop)
  -h, --help    this text

Environment: BOOKSTORE_JOBS [nproc] build and ctest parallelism; BOOKSTORE_TEST_TIMEOUT [600] seconds per
test; ports of the throwaway servers (the first free one from the default on is taken when unset):
BOOKSTORE_TEST_MARIADB_PORT [3440], BOOKSTORE_TEST_RABBITMQ_PORT [5700], BOOKSTORE_TEST_RABBITMQ_DIST_PORT
[25700], BOOKSTORE_TEST_EPMD_PORT [4390], BOOKSTORE_TEST_RABBITMQ_MGMT_PORT [0 = no management plugin].
EOF
}

TEST_RUN_DIR="$BS_ROOT/.run/test"
TEST_BUILD_DIR="$BS_ROOT/build/test"
RESULTS="$TEST_RUN_DIR/results"
OUTPUT="$TEST_RUN_DIR/output"
INFRA=("$BS_SCRIPTS/infra.sh" --run-dir "$TEST_RUN_DIR")

stages=()
ctest_filter=()
pytest_filter=()
build=1
keep=0
while (($#)); do
  case "$1" in
    lint | unit | integration | sanitize | system | browser | swarm) stages+=("$1") ;;
    -R) ctest_filter=(-R "$2"); shift ;;
    -k) pytest_filter=(-k "$2"); shift ;;
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift
done
if ((${#stages[@]} == 0)); then
  stages=(lint unit integration sanitize system browser swarm)
  if ((${#ctest_filter[@]} || ${#pytest_filter[@]})); then
    stages=()
    ((${#ctest_filter[@]})) && stages+=(unit integration)
    ((${#pytest_filter[@]})) && stages+=(system)
  fi
fi
wants() { [[ " ${stages[*]} " == *" $1 "* ]]; }

[[ "$BS_ROOT" =~ [[:space:]] ]] && die "the checkout path must not contain spaces (BOOKSTORE_TEST_INFRA is a command line)"

mkdir -p "$BS_ROOT/.run"
exec 9>"$BS_ROOT/.run/test.lock"
flock -n 9 || die "another ./bookstore test is running in this checkout"

rm -rf "$RESULTS" "$OUTPUT" # results of an earlier run must never be counted
started_ms=$(now_ms)
timings=()
stage_errors=() # stages that failed without leaving JUnit results (each counts as one failed test)
servers_started=0
stack_started=0

# timed <label> <command...>: runs the command and records how long it took.
timed() {
  local label=$1 start rc
  shift
  start=$(now_ms)
  "$@"
  rc=$?
  timings+=("$label $(((($(now_ms) - start) + 500) / 1000))s")
  return "$rc"
}

# Processes the pytest harness started and registered (pids/harness-<pid> holding the executable):
# ended here if a test run was interrupted before its own teardown.
kill_registered_leftovers() {
  local file pid
  for file in "$TEST_RUN_DIR"/pids/harness-*; do
    [[ -f "$file" ]] || continue
    pid=${file##*-}
    if pid_runs "$pid" "$(cat "$file")"; then
      warn "ending leftover test process $pid ($(cat "$file"))"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
  done
}

cleanup() {
  trap - INT TERM
  kill_registered_leftovers
  if ((stack_started)); then
    stack_stop_all
    stack_started=0
  fi
  if ((servers_started && !keep)); then
    say "stopping the test servers"
    timed stop "${INFRA[@]}" stop || warn "stopping the test servers failed"
    servers_started=0
  fi
}
on_signal() {
  warn "interrupted; cleaning up"
  cleanup
  stage_errors+=(interrupted)
  summary
  trap - EXIT
  exit 130
}
# Any other way out (a `die` along the way) still stops the servers and prints the summary line.
on_exit() {
  local rc=$?
  cleanup
  if ((!summary_printed)); then
    stage_errors+=(aborted)
    summary
  fi
  exit "$rc"
}
trap on_exit EXIT
trap on_signal INT TERM

summary_printed=0
summary() {
  summary_printed=1
  ((keep && servers_started)) && say "test servers left running: ${INFRA[*]} stop"
  echo "time: ${timings[*]}, total $(((($(now_ms) - started_ms) + 500) / 1000))s"
  "$BS_PYTHON" "$BS_SCRIPTS/lib/junit_summary.py" "$RESULTS" "${stage_errors[@]}"
}

finish() {
  cleanup
  summary
  local rc=$?
  trap - EXIT
  exit "$rc"
}

# ------------------------------------------------------------------------------------------- build

# build/test serves every stage but sanitize, which builds build/sanitize itself.
needs_test_build() {
  local stage
  for stage in "${stages[@]}"; do [[ "$stage" == sanitize ]] || return 0; done
  return 1
}

if ((build)); then
  timed packages ensure_packages || die "installing packages failed"
  if needs_test_build &&
    ! timed build cmake_build "$TEST_BUILD_DIR" Debug -DBOOKSTORE_BUILD_TESTS=ON -DBOOKSTORE_BUILD_BENCH=OFF; then
    stage_errors+=(build)
    finish
  fi
fi

# ------------------------------------------------------------------------------------------ servers

# pick_port <variable> <preferred> <step>: the variable's value if set, else the first free port from
# the preferred one on (so two checkouts can test at the same time).
pick_port() {
  local var=$1 port=$2 step=$3 i
  if [[ -n "${!var:-}" ]]; then
    echo "${!var}"
    return 0
  fi
  for ((i = 0; i < 50; i++)); do
    if port_closed "$port" && [[ " ${PICKED_PORTS:-} " != *" $port "* ]]; then
      echo "$port"
      return 0
    fi
    port=$((port + step))
  done
  die "no free port found from $2 on for $var"
}

start_servers() {
  local mariadb_port rabbitmq_port dist_port epmd_port mgmt_port
  mariadb_port=$(pick_port BOOKSTORE_TEST_MARIADB_PORT 3440 1)
  rabbitmq_port=$(pick_port BOOKSTORE_TEST_RABBITMQ_PORT 5700 1)
  dist_port=$(pick_port BOOKSTORE_TEST_RABBITMQ_DIST_PORT 25700 10)
  epmd_port=$(pick_port BOOKSTORE_TEST_EPMD_PORT 4390 1)
  mgmt_port=${BOOKSTORE_TEST_RABBITMQ_MGMT_PORT:-0}
  say "starting throwaway MariaDB :$mariadb_port and RabbitMQ :$rabbitmq_port in ${TEST_RUN_DIR#"$BS_ROOT"/}"
  servers_started=1
  "${INFRA[@]}" --profile test --mariadb-port "$mariadb_port" --rabbitmq-port "$rabbitmq_port" \
    --mgmt-port "$mgmt_port" --dist-port "$dist_port" --epmd-port "$epmd_port" start || return 1
  export BOOKSTORE_TEST_DB_HOST=127.0.0.1
  export BOOKSTORE_TEST_DB_PORT=$mariadb_port
  export BOOKSTORE_TEST_DB_USER=root
  export BOOKSTORE_TEST_DB_PASSWORD=
  export BOOKSTORE_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$rabbitmq_port/"
  export BOOKSTORE_TEST_INFRA="${INFRA[*]}"
  if ((mgmt_port > 0)); then
    export BOOKSTORE_TEST_AMQP_MGMT_URL="http://127.0.0.1:$mgmt_port/"
  else
    unset BOOKSTORE_TEST_AMQP_MGMT_URL
  fi
}

# Whatever the caller's shell holds for the shared dev servers must not leak into this run.
unset BOOKSTORE_TEST_DB_HOST BOOKSTORE_TEST_DB_PORT BOOKSTORE_TEST_DB_USER BOOKSTORE_TEST_DB_PASSWORD \
  BOOKSTORE_TEST_AMQP_URL BOOKSTORE_TEST_INFRA
export BOOKSTORE_BIN_DIR="$TEST_BUILD_DIR"
export BOOKSTORE_TEST_OUTPUT="$OUTPUT"
export BOOKSTORE_TEST_RESULTS="$RESULTS"
export BOOKSTORE_TEST_PIDS="$TEST_RUN_DIR/pids"

# The servers are wiped first: a killed earlier run may have left them running or half-written.
timed wipe "${INFRA[@]}" wipe || die "could not clear ${TEST_RUN_DIR#"$BS_ROOT"/}"
mkdir -p "$RESULTS" "$OUTPUT" "$BOOKSTORE_TEST_PIDS"
if wants integration || wants sanitize || wants system || wants browser; then
  if ! timed servers start_servers; then
    stage_errors+=(servers)
    finish
  fi
fi

# ------------------------------------------------------------------------------------------- stages

run_ctest() {
  local stage=$1
  shift
  say "ctest: $stage tests"
  ctest --test-dir "$TEST_BUILD_DIR" "$@" "${ctest_filter[@]}" -j "$(build_jobs)" --output-on-failure \
    --no-tests=ignore --timeout "${BOOKSTORE_TEST_TIMEOUT:-600}" --output-junit "$RESULTS/$stage.xml" 9>&-
  local rc=$?
  ((rc == 0)) || [[ -s "$RESULTS/$stage.xml" ]] || stage_errors+=("$stage")
  return 0
}

run_system() {
  if ! compgen -G "$BS_ROOT/tests/system/test_*.py" >/dev/null &&
    ! compgen -G "$BS_ROOT/tests/system/*/test_*.py" >/dev/null; then
    say "system tests: none yet"
    return 0
  fi
  say "pytest: system tests"
  (cd "$BS_ROOT" && "$BS_PYTHON" -m pytest tests/system "${pytest_filter[@]}" -rfEs --durations=5 \
    --junitxml="$RESULTS/system.xml" -o cache_dir="$TEST_RUN_DIR/pytest-cache" \
    --timeout="${BOOKSTORE_TEST_TIMEOUT:-600}" 9>&-)
  local rc=$?
  # 5: no test collected (e.g. -k matched nothing), not a failure.
  ((rc == 0 || rc == 5)) || [[ -s "$RESULTS/system.xml" ]] || stage_errors+=(system)
  return 0
}

# The browser tests drive the whole store: the stage starts every built component against the test
# servers (like `up`), then runs `npm test` in tests/browser, which must write JUnit XML to
# $BOOKSTORE_TEST_RESULTS/browser.xml.
run_browser() {
  local dir="$BS_ROOT/tests/browser"
  if [[ ! -f "$dir/package.json" ]]; then
    say "browser tests: none yet"
    return 0
  fi
  use_checkout_caches
  say "browser tests: installing npm packages"
  local install=install
  [[ -f "$dir/package-lock.json" ]] && install=ci
  if ! timed browser-npm npm --prefix "$dir" "$install" --no-audit --no-fund; then
    stage_errors+=(browser)
    return 0
  fi
  STACK_RUN_DIR="$TEST_RUN_DIR"
  STACK_BUILD_DIR="$TEST_BUILD_DIR"
  STACK_INFRA=("${INFRA[@]}")
  STACK_BIND=127.0.0.1
  local name port=5100 started=()
  for name in "${BS_COMPONENTS[@]}"; do
    STACK_PORT[$name]=$(PICKED_PORTS="${STACK_PORT[*]}" pick_port "BOOKSTORE_TEST_${name^^}_PORT" "$port" 1)
    port=$((STACK_PORT[$name] + 1))
    STACK_ADMIN_PORT[$name]=0 # any free port: nothing here reads it
  done
  stack_prepare_secrets "$BOOKSTORE_TEST_AMQP_URL"
  stack_create_databases
  # An administrator for the admin pages' tests, as `up` makes one from these (stack_component_env).
  export BOOKSTORE_ADMIN_EMAIL=admin@browser.test
  BOOKSTORE_ADMIN_PASSWORD="browser-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export BOOKSTORE_ADMIN_PASSWORD
  stack_started=1
  for name in "${BS_COMPONENTS[@]}"; do
    if ! stack_start "$name" "$BOOKSTORE_TEST_DB_PORT"; then
      stage_errors+=(browser)
      return 0
    fi
    [[ "$STACK_STATE" == not-built ]] || started+=("$name")
  done
  if ((${#started[@]})) && ! timed browser-stack stack_wait_ready 120 "${started[@]}"; then
    stage_errors+=(browser)
    return 0
  fi
  export BOOKSTORE_WEB_URL BOOKSTORE_GATEWAY_URL
  BOOKSTORE_WEB_URL="$(stack_url web)"
  BOOKSTORE_GATEWAY_URL="$(stack_url gateway)"
  export BOOKSTORE_BROWSER_OUTPUT="$OUTPUT/browser" CHROMIUM_PATH=/usr/bin/chromium
  mkdir -p "$BOOKSTORE_BROWSER_OUTPUT"
  say "browser tests against $BOOKSTORE_WEB_URL"
  (cd "$dir" && npm test --silent 9>&-)
  local rc=$?
  ((rc == 0)) || [[ -s "$RESULTS/browser.xml" ]] || stage_errors+=(browser)
  stack_stop_all
  stack_started=0
}

# The repository's declared rules (scripts/lint.sh): clang-format over every C++ file, clang-tidy over the
# files changed since BOOKSTORE_LINT_BASE (default: the last commit); the full clang-tidy run is
# `./bookstore lint --all`. Needs no server.
run_lint() {
  bash "$BS_SCRIPTS/lint.sh" --build-dir "$TEST_BUILD_DIR" --base "${BOOKSTORE_LINT_BASE:-HEAD~1}" \
    --junit "$RESULTS/lint.xml" 9>&-
  [[ -s "$RESULTS/lint.xml" ]] || stage_errors+=(lint)
  return 0
}

# The ctest tests (unit and integration, against the same servers) built with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in build/sanitize (any report fails its test), then every fuzz target for
# BOOKSTORE_TEST_FUZZ_SECONDS from its committed seeds (a crash fails its test case in fuzz.xml). The
# fuzz targets and the tests share that one build; the services' executables are not built.
run_sanitize() {
  if ((build)) && ! timed sanitize-build sanitize_build bookstore_tests bookstore_fuzzers 9>&-; then
    stage_errors+=(sanitize-build)
    return 0
  fi
  sanitizer_env
  say "ctest: unit and integration tests under ASan+UBSan (${BS_SANITIZE_BUILD_DIR#"$BS_ROOT"/})"
  timed sanitize-ctest ctest --test-dir "$BS_SANITIZE_BUILD_DIR" "${ctest_filter[@]}" -j "$(build_jobs)" \
    --output-on-failure --no-tests=error --timeout "${BOOKSTORE_TEST_TIMEOUT:-600}" \
    --output-junit "$RESULTS/sanitize.xml" 9>&-
  local rc=$?
  ((rc == 0)) || [[ -s "$RESULTS/sanitize.xml" ]] || stage_errors+=(sanitize)
  ((${#ctest_filter[@]})) && return 0  # -R names ctest tests only
  rm -rf "$TEST_RUN_DIR/fuzz"          # every run starts from the committed seeds alone
  timed sanitize-fuzz bash "$BS_SCRIPTS/fuzz.sh" --no-build --seconds "${BOOKSTORE_TEST_FUZZ_SECONDS:-30}" \
    --work-dir "$TEST_RUN_DIR/fuzz" --junit "$RESULTS/fuzz.xml" 9>&-
  [[ -s "$RESULTS/fuzz.xml" ]] || stage_errors+=(fuzz)
  return 0
}

# The live swarm: the whole stack deployed on a private Docker engine (./bookstore swarm test) from the
# binaries built above, tests/swarm against it, then the stack and its data removed; then the same images
# on a swarm of three Docker-in-Docker nodes (./bookstore swarm test --nodes 3: placement, draining).
# Needs root (or a DOCKER_HOST) to run an engine; without either, one line says it was skipped.
run_swarm() {
  if ((EUID != 0)) && [[ -z "${DOCKER_HOST:-}" ]]; then
    say "swarm tests: SKIPPED: starting a Docker engine needs root (or set DOCKER_HOST to an engine)"
    return 0
  fi
  local nodes
  for nodes in 1 3; do
    local name=swarm-1node options=()
    ((nodes > 1)) && name=swarm-${nodes}nodes options=(--nodes "$nodes")
    BOOKSTORE_SWARM_BINARIES="$TEST_BUILD_DIR" timed "$name" bash "$BS_SCRIPTS/swarm.sh" test "${options[@]}" \
      -rfEs --durations=5 --junitxml="$RESULTS/$name.xml" -o cache_dir="$TEST_RUN_DIR/pytest-cache" \
      --timeout="${BOOKSTORE_TEST_TIMEOUT:-600}" "${pytest_filter[@]}" 9>&-
    local rc=$?
    ((rc == 0 || rc == 5)) || [[ -s "$RESULTS/$name.xml" ]] || stage_errors+=("$name")
  done
  return 0
}

wants lint && timed lint run_lint
wants unit && timed unit run_ctest unit -L '^unit$'
# Every ctest test that is not labelled unit runs here, with the servers, so none is left out.
wants integration && timed integration run_ctest integration -LE '^unit$'
wants sanitize && timed sanitize run_sanitize
wants system && timed system run_system
wants browser && timed browser run_browser
wants swarm && timed swarm run_swarm
finish
