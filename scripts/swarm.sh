#!/usr/bin/env bash
# ./bookstore swarm: BookStore on a live Docker Swarm on this machine (deploy/swarm/docker-stack.yml).
# Starts a private Docker engine under .run/swarm when DOCKER_HOST names no engine, makes a single-node
# swarm, builds the images (a Debian base made with debootstrap, no registry needed), creates the
# secrets, deploys, waits until every service is healthy. See `./bookstore swarm --help`.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/swarm_engine.sh
source "$BS_SCRIPTS/lib/swarm_engine.sh"
# shellcheck source=lib/swarm_nodes.sh
source "$BS_SCRIPTS/lib/swarm_nodes.sh"

usage() {
  cat <<EOF
usage: ./bookstore swarm <command> [options]

  up [--no-build]     build what is missing (Release binaries, then the images), deploy the stack, wait
                      until every service is healthy, print the URLs
  down [--purge]      remove the stack and stop the private engine; volumes (the data), secrets and images
                      survive unless --purge, which also leaves the swarm and deletes .run/swarm
  status              the engine, the stack's services and their replicas
  logs [service...]   the services' logs (docker service logs; -n LINES, --no-follow)
  verify [--stack S]  ./bookstore verify against the swarm's MariaDB (its options follow)
  test [pytest args]  the live-swarm tests (tests/swarm) against a stack of their own (stack
                      $SWARM_TEST_STACK, free ports from 15000 and 18080), removed afterwards
  test --nodes N      tests/swarm/multinode (placement, draining a node under load) and the journey on a
                      swarm of N (3 or more) Docker-in-Docker nodes on this machine, removed afterwards

Environment:
  BOOKSTORE_SWARM_GATEWAY_PORT [5000]  BOOKSTORE_SWARM_WEB_PORT [8080]   ports the edge publishes
  BOOKSTORE_SWARM_STACK [bookstore]    stack name
  BOOKSTORE_SWARM_BINARIES [build/release]   where the component binaries come from (up builds them)
  BOOKSTORE_SWARM_EPOLL_BINARIES [none]      a build with BOOKSTORE_ASIO_IO_URING=OFF whose binaries the
                      images carry for nodes that deny io_uring (README, "Event loop: io_uring")
  BOOKSTORE_ADMIN_EMAIL [admin@bookstore.local], BOOKSTORE_ADMIN_PASSWORD [generated into
                      .run/swarm/secrets/admin_password]   the admin account, on first deployment
  DOCKER_HOST         an engine to use instead of a private one (left running by down)
  BOOKSTORE_DEBIAN_MIRROR [the mirror apt uses here]   for the base image
EOF
}

command=${1:-}
(($#)) && shift
case "$command" in
  up | down | status | logs | verify | test) ;;
  -h | --help | help) usage; exit 0 ;;
  *) usage >&2; die "unknown swarm command '${command}'" ;;
esac

# ------------------------------------------------------------------------------------------ commands

swarm_up() {
  local build=1
  while (($#)); do
    case "$1" in
      --no-build) build=0 ;;
      *) die "swarm up: unknown argument '$1'" ;;
    esac
    shift
  done
  local binaries=${BOOKSTORE_SWARM_BINARIES:-$BS_ROOT/build/release}
  if ((build)); then
    ensure_packages
    [[ "$binaries" == "$BS_ROOT/build/release" ]] &&
      cmake_build "$binaries" Release -DBOOKSTORE_BUILD_TESTS=OFF -DBOOKSTORE_BUILD_BENCH=OFF
  fi
  engine_start
  swarm_init
  stack_deploy "$SWARM_STACK" "${BOOKSTORE_SWARM_GATEWAY_PORT:-5000}" "${BOOKSTORE_SWARM_WEB_PORT:-8080}" \
    10.77.0.0/16 bookstore "$binaries"
}

swarm_down() {
  local purge=0
  while (($#)); do
    case "$1" in
      --purge) purge=1 ;;
      *) die "swarm down: unknown argument '$1'" ;;
    esac
    shift
  done
  if engine_running; then
    stack_remove "$SWARM_STACK"
    if ((purge)); then
      stack_purge "$SWARM_STACK" bookstore
      # Only our own engine leaves its swarm; an engine named by DOCKER_HOST is the caller's.
      ((SWARM_PRIVATE_ENGINE)) && { docker_ swarm leave --force >/dev/null 2>&1 || true; }
    fi
  fi
  engine_stop
  if ((purge)); then
    say "deleting ${SWARM_DIR#"$BS_ROOT"/}"
    rm -rf "$SWARM_DIR"
  fi
}

swarm_status() {
  if ! engine_running; then
    echo "engine: not running"
    return 0
  fi
  echo "engine: $DOCKER_HOST ($(docker_ version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  docker_ stack services "$SWARM_STACK" 2>/dev/null || echo "stack $SWARM_STACK: not deployed"
}

swarm_logs() {
  local follow=(--follow) lines=(--tail 100) services=()
  while (($#)); do
    case "$1" in
      -n) lines=(--tail "$2"); shift ;;
      --no-follow) follow=() ;;
      *) services+=("$1") ;;
    esac
    shift
  done
  engine_running || die "no engine running (./bookstore swarm up)"
  ((${#services[@]})) || services=(edge gateway web auth catalog orders mariadb rabbitmq)
  local service pids=()
  for service in "${services[@]}"; do
    docker_ service logs --timestamps "${follow[@]}" "${lines[@]}" "${SWARM_STACK}_$service" &
    pids+=($!)
  done
  wait "${pids[@]}"
}

swarm_verify() {
  local stack=$SWARM_STACK
  if [[ "${1:-}" == --stack ]]; then
    stack=$2
    shift 2
  fi
  engine_running || die "no engine running (./bookstore swarm up)"
  stack_verify "$stack" "$@"
}

# The tests' buyers place hundreds of orders each, unpaid: past the per-user order limits, lifted here.
TEST_STACK_SETTINGS=(ORDER_MAX_UNPAID_ORDERS=1000000 ORDER_MAX_UNPAID_COPIES=1000000 ORDER_RATE_LIMIT=1000000000)

# The live-swarm tests: a stack of their own, on free ports, removed (with its data) afterwards.
swarm_test() {
  if [[ "${1:-}" == --nodes ]]; then
    shift
    swarm_test_nodes "$@"
    return
  fi
  local binaries=${BOOKSTORE_SWARM_BINARIES:-$BS_ROOT/build/test} gateway_port web_port rc=0 started_engine=0
  [[ -x "$binaries/services/gateway/bookstore-gateway" ]] ||
    die "no binaries in ${binaries#"$BS_ROOT"/} (./bookstore test builds them; or set BOOKSTORE_SWARM_BINARIES)"
  engine_running || started_engine=1
  engine_start
  swarm_init
  STACK_SETTING_VARIABLES=("${TEST_STACK_SETTINGS[@]}")
  gateway_port=$(free_port 15000)
  web_port=$(free_port 18080)
  # In a subshell: a deployment that fails (die) still gets its stack removed below.
  (stack_deploy "$SWARM_TEST_STACK" "$gateway_port" "$web_port" 10.78.0.0/16 "$SWARM_TEST_STACK" "$binaries") ||
    rc=$?
  if ((rc == 0)); then
    say "running tests/swarm against stack $SWARM_TEST_STACK"
    BOOKSTORE_SWARM_DOCKER=$DOCKER BOOKSTORE_SWARM_STACK_NAME=$SWARM_TEST_STACK \
      BOOKSTORE_SWARM_GATEWAY_URL="http://127.0.0.1:$gateway_port" \
      BOOKSTORE_SWARM_WEB_URL="http://127.0.0.1:$web_port" \
      BOOKSTORE_SWARM_ADMIN_EMAIL=$(swarm_admin_email) \
      BOOKSTORE_SWARM_ADMIN_PASSWORD_FILE="$SWARM_DIR/secrets/admin_password" \
      BOOKSTORE_SWARM_VERIFY="$BS_ROOT/bookstore swarm verify --stack $SWARM_TEST_STACK" \
      "$BS_PYTHON" -m pytest "$BS_ROOT/tests/swarm" --ignore="$BS_ROOT/tests/swarm/multinode" -p no:cacheprovider \
      "$@" || rc=$?
  fi
  if [[ -z "${BOOKSTORE_SWARM_KEEP:-}" ]]; then
    stack_remove "$SWARM_TEST_STACK"
    stack_purge "$SWARM_TEST_STACK" "$SWARM_TEST_STACK"
    ((started_engine)) && engine_stop
  fi
  return "$rc"
}

# The suite on N nodes (scripts/lib/swarm_nodes.sh): traffic enters through node 2's edge.
swarm_test_nodes() {
  local count=${1:?--nodes needs a number} rc=0 started_engine=0 i wrappers=() ips=()
  shift
  ((count >= 3)) || die "--nodes needs at least 3 (MariaDB on node 2, RabbitMQ on node 3, node 1 drained)"
  local binaries=${BOOKSTORE_SWARM_BINARIES:-$BS_ROOT/build/test}
  engine_running || started_engine=1
  engine_start
  build_images "$binaries"
  STACK_SETTING_VARIABLES=("${TEST_STACK_SETTINGS[@]}")
  (
    nodes_up "$count"
    nodes_deploy "$SWARM_TEST_STACK"
    for ((i = 1; i <= count; i++)); do
      wrappers+=("$NODES_DIR/docker-node$i")
      ips+=("$(node_ip "$i")")
    done
    DOCKER="$NODES_DIR/docker-node1"
    SWARM_TASK_CLIENTS=("${wrappers[@]}")
    stack_wait_healthy "$SWARM_TEST_STACK" 600 ||
      { docker_ stack ps --no-trunc "$SWARM_TEST_STACK" | head -40 >&2; die "the stack did not become healthy on the nodes"; }
    for i in 1 2 3; do
      poll_until 120 http_ok "http://$(node_ip "$i"):5000/books" || die "no API on node $i's edge"
    done
    say "running tests/swarm on $count nodes"
    BOOKSTORE_SWARM_DOCKER="$NODES_DIR/docker-node1" BOOKSTORE_SWARM_STACK_NAME=$SWARM_TEST_STACK \
      BOOKSTORE_SWARM_GATEWAY_URL="http://$(node_ip 2):5000" BOOKSTORE_SWARM_WEB_URL="http://$(node_ip 2):8080" \
      BOOKSTORE_SWARM_ADMIN_EMAIL=$(swarm_admin_email) \
      BOOKSTORE_SWARM_ADMIN_PASSWORD_FILE="$SWARM_DIR/secrets/admin_password" \
      BOOKSTORE_SWARM_VERIFY="env BOOKSTORE_SWARM_CLIENT=$NODES_DIR/docker-node2 $BS_ROOT/bookstore swarm verify --stack $SWARM_TEST_STACK" \
      BOOKSTORE_SWARM_NODES="${ips[*]}" BOOKSTORE_SWARM_NODE_CLIENTS="${wrappers[*]}" \
      "$BS_PYTHON" -m pytest "$BS_ROOT/tests/swarm/multinode" "$BS_ROOT/tests/swarm/test_1_journey.py" \
      -p no:cacheprovider -rfEs --durations=5 "$@"
  ) || rc=$?
  if [[ -z "${BOOKSTORE_SWARM_KEEP:-}" ]]; then
    nodes_down
    ((started_engine)) && engine_stop
  fi
  return "$rc"
}

case "$command" in
  up) swarm_up "$@" ;;
  down) swarm_down "$@" ;;
  status) swarm_status ;;
  logs) swarm_logs "$@" ;;
  verify) swarm_verify "$@" ;;
  test) swarm_test "$@" ;;
esac
