# The Docker engine, images and stacks behind ./bookstore swarm (scripts/swarm.sh) and its test stage.
# Sourced after common.sh, never run.
# shellcheck shell=bash

SWARM_DIR="$BS_ROOT/.run/swarm"
SWARM_STACK=${BOOKSTORE_SWARM_STACK:-bookstore}
SWARM_TEST_STACK=bookstore_test
SWARM_BASE_IMAGE=bookstore-base:bookworm
SWARM_BASE_TAR="$BS_ROOT/.cache/swarm/bookworm-minbase.tar"
SWARM_COMPONENTS=(auth catalog orders gateway web)
# Debian's client (package docker.io) matches Debian's engine and builds with BuildKit; a newer client
# elsewhere on PATH may lack the buildx plugin that its BuildKit builds need.
DOCKER=/usr/bin/docker
[[ -x "$DOCKER" ]] || DOCKER=docker
# The multi-node test points this at a node's client (scripts/lib/swarm_nodes.sh).
DOCKER=${BOOKSTORE_SWARM_CLIENT:-$DOCKER}

docker_() { "$DOCKER" "$@"; }

# ------------------------------------------------------------------------------------------- engine

# The private engine's runtime folder holds its Unix sockets, so it must be a short path: /run/bookstore-
# followed by a hash of the checkout (two checkouts get two folders, but see engine_start).
ENGINE_EXEC_ROOT="/run/bookstore-docker-$(printf '%s' "$BS_ROOT" | sha256sum | head -c 8)"
ENGINE_SOCKET="$ENGINE_EXEC_ROOT/docker.sock"
ENGINE_PID_FILE="$SWARM_DIR/dockerd.pid"
ENGINE_LOG="$SWARM_DIR/dockerd.log"
SWARM_PRIVATE_ENGINE=1
if [[ -n "${DOCKER_HOST:-}" && "$DOCKER_HOST" != "unix://$ENGINE_SOCKET" ]]; then
  SWARM_PRIVATE_ENGINE=0 # the caller's engine: used, never started nor stopped here
else
  export DOCKER_HOST="unix://$ENGINE_SOCKET"
fi

engine_running() { docker_ version >/dev/null 2>&1; }

# dockerd processes of this machine's own PID namespace (those of Docker-in-Docker nodes, inside their
# containers, are not engines of this host).
host_engine_pids() {
  local pid own
  own=$(readlink /proc/self/ns/pid)
  for pid in $(pgrep -x dockerd); do
    [[ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" == "$own" ]] && printf '%s ' "$pid"
  done
  return 0
}

our_engine_pids() { pgrep -f -x "dockerd .*--exec-root $ENGINE_EXEC_ROOT .*" | tr '\n' ' '; }
engine_process_gone() { [[ -z "$(our_engine_pids)" ]]; }

engine_start() {
  if engine_running; then
    return 0
  fi
  ((SWARM_PRIVATE_ENGINE)) || die "DOCKER_HOST=$DOCKER_HOST names an engine that does not answer"
  command -v dockerd >/dev/null || die "dockerd is missing (package docker.io; ./bookstore swarm up installs it)"
  # Ours, still shutting down (it removes its pid file early): let it finish first.
  poll_until 60 engine_process_gone || die "the private Docker engine does not stop (pid $(our_engine_pids))"
  # Two engines on one host would fight over the same bridges (docker0, docker_gwbridge) and iptables chains.
  local other
  other=$(host_engine_pids)
  [[ -z "$other" ]] || die "another Docker engine runs on this machine (pid $other); point DOCKER_HOST at it"
  engine_clear_host_leftovers
  mkdir -p "$SWARM_DIR/engine" "$ENGINE_EXEC_ROOT"
  say "starting a private Docker engine (data in ${SWARM_DIR#"$BS_ROOT"/}/engine, socket $ENGINE_SOCKET)"
  setsid dockerd --data-root "$SWARM_DIR/engine" --exec-root "$ENGINE_EXEC_ROOT" -H "$DOCKER_HOST" \
    -p "$ENGINE_PID_FILE" --log-level warn </dev/null >>"$ENGINE_LOG" 2>&1 9>&- &
  if ! poll_until 60 engine_running; then
    tail -n 20 "$ENGINE_LOG" >&2 || true
    die "the Docker engine did not start within 60 s; see ${ENGINE_LOG#"$BS_ROOT"/}"
  fi
}

# A stopped Docker engine leaves its bridges (docker0, docker_gwbridge, br-<id>) and their iptables rules
# in the host's network namespace, by design: its next start reprograms them from its data. When that
# data is gone (a new checkout, `swarm down --purge`) they are nobody's, and a new engine picks subnets
# without knowing them: a leftover MASQUERADE rule for a subnet it reused rewrote the traffic between the
# multi-node test's nodes (their overlay broke, `swarm join` timed out), and a leftover route for another
# subnet swallowed the replies. With no engine running (engine_start checks), remove them all; the engine
# that starts next re-creates what its own data still names.
#
# An engine that was killed (a session or CI job ended under it) also leaves the network namespaces of its
# overlays bound under its runtime folder, each holding a VXLAN device: the next engine's overlay with the
# same VXLAN id then fails every task ("error creating vxlan interface: file exists") and the stack never
# comes up. Unbinding them frees the devices; every checkout's folder counts, since all share the kernel.
engine_clear_host_leftovers() {
  local pattern='(docker0|docker_gwbridge|br-[0-9a-f]{12})' link table rule words namespace
  for namespace in /run/bookstore-docker-*/netns/*; do
    [[ -e "$namespace" ]] || continue
    umount "$namespace" 2>/dev/null || true # a file no longer bound is removed all the same
    rm -f "$namespace" 2>/dev/null || warn "could not remove the leftover network namespace $namespace"
  done
  for link in $(ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' | grep -E "^$pattern\$"); do
    ip link delete "$link" 2>/dev/null || warn "could not remove the leftover bridge $link"
  done
  command -v iptables >/dev/null || return 0
  for table in nat filter; do
    # Docker's rules for its bridges hold no quoted text, so the words of `-S` give `-D` back.
    while read -r rule; do
      read -r -a words <<<"${rule#-A }"
      iptables -t "$table" -D "${words[@]}" 2>/dev/null || warn "could not remove the leftover rule '$rule'"
    done < <(iptables -t "$table" -S 2>/dev/null | grep -E -- "^-A .*$pattern" | grep -v '"')
  done
}

engine_stop() {
  ((SWARM_PRIVATE_ENGINE)) || return 0
  local pid
  pid=$(read_pid "$ENGINE_PID_FILE")
  [[ -n "$pid" ]] || pid=$(our_engine_pids)
  pid=${pid%% *}
  pid_alive "$pid" || return 0
  say "stopping the private Docker engine"
  stop_pid "$pid" dockerd 60
  poll_until 60 engine_process_gone || warn "the private Docker engine is still stopping"
}

# A single-node swarm on loopback (IPVS is not needed: every service is dnsrr, published in host mode),
# the node carrying the placement labels of MariaDB and RabbitMQ.
swarm_init() {
  if [[ "$(docker_ info --format '{{.Swarm.LocalNodeState}}')" != active ]]; then
    say "creating a single-node swarm"
    docker_ swarm init --advertise-addr 127.0.0.1 >/dev/null
  fi
  local node
  node=$(docker_ info --format '{{.Swarm.NodeID}}')
  docker_ node update --label-add bookstore.db=true --label-add bookstore.mq=true "$node" >/dev/null
}

# free_port <from>: the first port from <from> on that nothing listens on.
free_port() {
  local port=$1
  while port_open "$port"; do port=$((port + 1)); done
  echo "$port"
}

# ------------------------------------------------------------------------------------------- images

# bookstore-base:bookworm, a minimal Debian 12 imported from debootstrap (no registry needed). The root
# file system is kept as a tarball in .cache/, so a new engine imports it in seconds.
ensure_base_image() {
  docker_ image inspect "$SWARM_BASE_IMAGE" >/dev/null 2>&1 && return 0
  local mirror=${BOOKSTORE_DEBIAN_MIRROR:-$(host_debian_mirror)}
  if [[ ! -s "$SWARM_BASE_TAR" ]]; then
    command -v debootstrap >/dev/null || die "debootstrap is missing (./bookstore swarm up installs it)"
    local rootfs="$SWARM_DIR/rootfs"
    rm -rf "$rootfs"
    say "making the Debian 12 base image with debootstrap (about a minute)"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$SWARM_DIR/debootstrap.log" 2>&1 ||
      die "debootstrap failed; see ${SWARM_DIR#"$BS_ROOT"/}/debootstrap.log"
    # The same suites as the machine that builds the binaries, so library versions match.
    printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n' \
      "$mirror" "$mirror" "$mirror" >"$rootfs/etc/apt/sources.list"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    mkdir -p "$(dirname "$SWARM_BASE_TAR")"
    tar -C "$rootfs" -cf "$SWARM_BASE_TAR.part" . && mv "$SWARM_BASE_TAR.part" "$SWARM_BASE_TAR"
    rm -rf "$rootfs"
  fi
  docker_ import "$SWARM_BASE_TAR" "$SWARM_BASE_IMAGE" >/dev/null
}

# The Debian mirror this machine's apt uses (the one reachable from here), else deb.debian.org.
host_debian_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {print $2}' | grep -v -- '-security' |
    head -1)
  [[ -n "$uri" ]] || uri=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  echo "${uri:-http://deb.debian.org/debian}"
}

# docker_build <tag> <context> <dockerfile> [build args...]
docker_build() {
  local tag=$1 context=$2 dockerfile=$3 log
  shift 3
  log="$SWARM_DIR/build-${tag%%:*}.log"
  if ! DOCKER_BUILDKIT=1 docker_ build --progress=plain -f "$dockerfile" --build-arg BASE_IMAGE="$SWARM_BASE_IMAGE" \
    "$@" -t "$tag" "$context" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "building $tag failed; see ${log#"$BS_ROOT"/}"
  fi
}

# hash_of <path...>: a short hash of the files' contents (and names).
hash_of() {
  find "$@" -type f -print0 | sort -z | xargs -0 sha256sum | sed "s|  $SWARM_DIR/context/|  |" | sha256sum |
    head -c 12
}

# build_images <binaries dir>: every image of the stack, each tagged with a hash of what went into it, so
# that deploying again rolls only the services whose image changed (a new binary of catalog rolls catalog,
# not the edge). Sets IMAGE_TAGS[image] and STACK_IMAGE_VARIABLES (the stack's <NAME>_IMAGE=image:tag
# settings); images that exist already are not built again.
declare -A IMAGE_TAGS
STACK_IMAGE_VARIABLES=()
# NAME=value settings the stack file reads as ${NAME:-default} (the tests lift the per-user order limits).
STACK_SETTING_VARIABLES=()
build_images() {
  local binaries=$1 context="$SWARM_DIR/context" component image started docker_dir
  ensure_base_image
  rm -rf "$context"
  mkdir -p "$context/bin" "$context/deploy"
  cp -r "$BS_ROOT/deploy/docker" "$context/deploy/docker"
  cp -r "$BS_ROOT/deploy/prometheus" "$context/deploy/prometheus"
  docker_dir="$context/deploy/docker"
  started=$(now_ms)
  for component in "${SWARM_COMPONENTS[@]}"; do
    local binary="$binaries/services/$component/bookstore-$component" staged="$context/bin/$component"
    [[ -x "$binary" ]] || die "missing $binary"
    mkdir -p "$staged"
    # Debug information stays on the build machine (a Debug binary is ten times its code).
    objcopy --strip-debug "$binary" "$staged/bookstore-component"
    # The epoll build a component switches to where io_uring is denied (README, "Event loop: io_uring").
    if [[ -n "${BOOKSTORE_SWARM_EPOLL_BINARIES:-}" ]]; then
      local epoll_binary="$BOOKSTORE_SWARM_EPOLL_BINARIES/services/$component/bookstore-$component"
      [[ -x "$epoll_binary" ]] || die "missing $epoll_binary"
      objcopy --strip-debug "$epoll_binary" "$staged/bookstore-component-epoll"
    fi
    IMAGE_TAGS[$component]=$(hash_of "$staged" "$docker_dir/Dockerfile" \
      "$docker_dir/runtime-packages.txt" "$docker_dir/healthcheck.sh")
    build_image_once "bookstore-$component:${IMAGE_TAGS[$component]}" "$context" "$docker_dir/Dockerfile" \
      --target component --build-arg BINARIES=prebuilt --build-arg COMPONENT="$component"
  done
  for image in mariadb rabbitmq edge; do
    IMAGE_TAGS[$image]=$(hash_of "$docker_dir/$image")
    build_image_once "bookstore-$image:${IMAGE_TAGS[$image]}" "$docker_dir/$image" "$docker_dir/$image/Dockerfile"
  done
  # Its context is deploy/: the configuration and rules come from deploy/prometheus/.
  IMAGE_TAGS[prometheus]=$(hash_of "$docker_dir/prometheus" "$context/deploy/prometheus")
  build_image_once "bookstore-prometheus:${IMAGE_TAGS[prometheus]}" "$context/deploy" "$docker_dir/prometheus/Dockerfile"
  STACK_IMAGE_VARIABLES=()
  for image in "${!IMAGE_TAGS[@]}"; do
    STACK_IMAGE_VARIABLES+=("${image^^}_IMAGE=bookstore-$image:${IMAGE_TAGS[$image]}")
  done
  say "images ready in $((($(now_ms) - started) / 1000))s"
}

# build_image_once <tag> <context> <dockerfile> [build args...]
build_image_once() {
  docker_ image inspect "$1" >/dev/null 2>&1 && return 0
  say "building $1"
  docker_build "$@"
}

# ------------------------------------------------------------------------------------------- stacks

swarm_admin_email() { echo "${BOOKSTORE_ADMIN_EMAIL:-admin@bookstore.local}"; }

# create_secrets <prefix>: the stack's secrets (deploy/swarm/create-secrets.sh), the admin password kept
# in .run/swarm/secrets/ for the tests and the operator.
create_secrets() {
  local prefix=$1 password
  if [[ -n "${BOOKSTORE_ADMIN_PASSWORD:-}" ]]; then
    password=$BOOKSTORE_ADMIN_PASSWORD
    mkdir -p "$SWARM_DIR/secrets" && chmod 700 "$SWARM_DIR/secrets"
    (umask 077 && printf '%s' "$password" >"$SWARM_DIR/secrets/admin_password")
  else
    password=$(ensure_secret "$SWARM_DIR/secrets/admin_password")
  fi
  SECRETS_PREFIX=$prefix DOCKER=$DOCKER ADMIN_EMAIL=$(swarm_admin_email) ADMIN_PASSWORD=$password \
    "$BS_ROOT/deploy/swarm/create-secrets.sh" >/dev/null
}

# stack_deploy <stack> <gateway port> <web port> <internal subnet> <secrets prefix> <binaries dir>
stack_deploy() {
  local stack=$1 gateway_port=$2 web_port=$3 subnet=$4 prefix=$5 binaries=$6 port started
  for port in "$gateway_port" "$web_port"; do
    if port_open "$port" && ! stack_publishes "$stack" "$port"; then
      die "port $port is taken by something else (./bookstore up's store?); choose others with BOOKSTORE_SWARM_GATEWAY_PORT and BOOKSTORE_SWARM_WEB_PORT"
    fi
  done
  build_images "$binaries"
  create_secrets "$prefix"
  say "deploying stack $stack (gateway on port $gateway_port, web on $web_port)"
  started=$(now_ms)
  (cd "$BS_ROOT/deploy/swarm" &&
    env "${STACK_IMAGE_VARIABLES[@]}" "${STACK_SETTING_VARIABLES[@]}" GATEWAY_PORT="$gateway_port" WEB_PORT="$web_port" \
      INTERNAL_SUBNET="$subnet" SECRETS_PREFIX="$prefix" LOG_LEVEL="${BOOKSTORE_LOG_LEVEL:-info}" \
      "$DOCKER" stack deploy --prune -c docker-stack.yml "$stack" >"$SWARM_DIR/deploy-$stack.log" 2>&1) ||
    { cat "$SWARM_DIR/deploy-$stack.log" >&2; die "docker stack deploy failed"; }
  stack_wait_healthy "$stack" "${BOOKSTORE_READY_TIMEOUT:-300}" ||
    { docker_ stack ps --no-trunc "$stack" | head -40 >&2; die "stack $stack did not become healthy"; }
  poll_until 60 http_ok "http://127.0.0.1:$gateway_port/books" ||
    die "the gateway does not answer on port $gateway_port"
  poll_until 60 http_ok "http://127.0.0.1:$web_port/" || die "web does not answer on port $web_port"
  say "stack $stack healthy in $((($(now_ms) - started) / 1000))s"
  printf '  web       http://127.0.0.1:%s/   the store\n  gateway   http://127.0.0.1:%s/   public REST API\n' \
    "$web_port" "$gateway_port"
  printf '  admin     %s, password in %s\n' "$(swarm_admin_email)" "${SWARM_DIR#"$BS_ROOT"/}/secrets/admin_password"
}

# stack_publishes <stack> <port>: the stack's edge is what listens on the port.
stack_publishes() {
  engine_running && docker_ service inspect "$1_edge" \
    --format '{{range .Endpoint.Ports}}{{.PublishedPort}} {{end}}' 2>/dev/null | grep -qw "$2"
}

# Every service of the stack runs all its replicas and each task that has a health check is healthy.
stack_healthy() {
  local stack=$1 line name replicas running desired
  local lines
  lines=$(docker_ stack services "$stack" --format '{{.Name}} {{.Replicas}}' 2>/dev/null) || return 1
  [[ -n "$lines" ]] || return 1
  while read -r name replicas; do
    running=${replicas%%/*}
    desired=${replicas#*/}
    desired=${desired%% *}
    [[ "$running" == "$desired" && "$desired" != 0 ]] || return 1
  done <<<"$lines"
  # Tasks still starting (health check not yet passed) are not counted as running by Swarm. A rolling
  # update keeps the counts full while it runs: wait until none is in progress.
  local states
  states=$(docker_ service inspect --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' \
    $(docker_ stack services -q "$stack") 2>/dev/null) || return 1
  case "$states" in
    *paused* | *rollback_completed*) STACK_UPDATE_FAILED=1; return 1 ;;
    *updating* | *rollback_started*) return 1 ;;
  esac
  stack_tasks_ready "$stack"
}

# Swarm's health checks are liveness (/healthz): a component also says whether it can do its work
# (/readyz: its database, broker, keys; the gateway: an address for every service). Asked inside each
# running task's container, on the admin port (HTTP_ADMIN_PORT in deploy/swarm/docker-stack.yml).
SWARM_TASK_CLIENTS=() # the docker clients of every node (default: $DOCKER, a single node)
declare -A COMPONENT_ADMIN_PORTS=([auth]=9001 [catalog]=9002 [orders]=9003 [gateway]=9000 [web]=9080)
stack_tasks_ready() {
  local stack=$1 service container client
  for client in "${SWARM_TASK_CLIENTS[@]:-$DOCKER}"; do
    for service in "${SWARM_COMPONENTS[@]}"; do
      for container in $("$client" ps -q --filter "label=com.docker.swarm.service.name=${stack}_$service" \
        --filter status=running); do
        "$client" exec "$container" curl -fsS --max-time 2 -o /dev/null \
          "http://127.0.0.1:${COMPONENT_ADMIN_PORTS[$service]}/readyz" 2>/dev/null || return 1
      done
    done
  done
}

stack_wait_healthy() {
  local stack=$1 timeout=$2 deadline
  deadline=$(($(now_ms) + timeout * 1000))
  STACK_UPDATE_FAILED=0
  until stack_healthy "$stack"; do
    ((STACK_UPDATE_FAILED == 0)) || return 1
    (($(now_ms) < deadline)) || return 1
    sleep 1
  done
}

stack_remove() {
  local stack=$1
  docker_ stack ls --format '{{.Name}}' 2>/dev/null | grep -qx "$stack" || return 0
  say "removing stack $stack"
  docker_ stack rm "$stack" >/dev/null
  # Networks go once their last container has: wait, so that a new deployment does not race them.
  poll_until 90 stack_gone "$stack" || warn "stack $stack is still being removed"
}

stack_gone() {
  [[ -z "$(docker_ ps -aq --filter "label=com.docker.stack.namespace=$1")" &&
    -z "$(docker_ network ls -q --filter "label=com.docker.stack.namespace=$1")" ]]
}

# stack_purge <stack> <secrets prefix>: its volumes (the data) and secrets.
stack_purge() {
  local stack=$1 prefix=$2 volumes secrets
  volumes=$(docker_ volume ls -q --filter "label=com.docker.stack.namespace=$stack")
  [[ -z "$volumes" ]] || docker_ volume rm $volumes >/dev/null || warn "some volumes of $stack remain"
  secrets=$(docker_ secret ls --format '{{.Name}}' | grep "^${prefix}_" || true)
  [[ -z "$secrets" ]] || docker_ secret rm $secrets >/dev/null || warn "some secrets of $stack remain"
}

# stack_container <stack> <service>: the id of a running container of the service on this node.
stack_container() {
  docker_ ps -q --filter "label=com.docker.swarm.service.name=$1_$2" --filter status=running | head -1
}

# stack_verify <stack> [verify.sh options]: scripts/verify.sh run through the MariaDB task's own client.
stack_verify() {
  local stack=$1 container
  shift
  container=$(stack_container "$stack" mariadb)
  [[ -n "$container" ]] || die "no running MariaDB task of stack $stack on this node"
  BOOKSTORE_DOCKER=$DOCKER "$BS_SCRIPTS/verify.sh" --docker "$container" "$@"
}
