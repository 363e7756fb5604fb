# A swarm of several nodes on one machine, for `./bookstore swarm test --nodes N`: each node is a
# container (tests/swarm/nodes/Dockerfile) running Debian's Docker engine, on a bridge network
# of the private engine. Sourced after swarm_engine.sh, never run.
# shellcheck shell=bash

NODES_NETWORK=bookstore_nodes
NODES_SUBNET=172.31.250.0/24
NODES_DIR="$SWARM_DIR/nodes"

# What an engine inside a container needs. Not --privileged: it asks for every capability, and this
# machine's own bounding set lacks CAP_SYS_RESOURCE, so runc refuses ("unable to apply caps"). The same
# minus that one, no seccomp/AppArmor filter, /proc unmasked, and the cgroup hierarchy writable.
NODE_PRIVILEGES=(--cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined
  --security-opt apparmor=unconfined --security-opt systempaths=unconfined -v /sys/fs/cgroup:/sys/fs/cgroup:rw)

node_name() { echo "bookstore-node$1"; }
node_ip() { echo "172.31.250.$((10 + $1))"; }
# node_docker <i> <args...>: the docker client of node i.
node_docker() {
  local i=$1
  shift
  docker_ exec -i "$(node_name "$i")" docker "$@"
}

node_ready() { node_docker "$1" version >/dev/null 2>&1; }

# nodes_up <count>: the nodes running, in one swarm (node 1 its manager), every image of the stack
# loaded into each, node 2 labelled for MariaDB and node 3 for RabbitMQ. Writes NODES_DIR/docker-node<i>,
# a docker client for node i that the tests use.
nodes_up() {
  local count=$1 i tag started
  started=$(now_ms)
  tag=$(hash_of "$BS_ROOT/tests/swarm/nodes")
  build_image_once "bookstore-node:$tag" "$BS_ROOT/tests/swarm/nodes" "$BS_ROOT/tests/swarm/nodes/Dockerfile"
  nodes_down
  mkdir -p "$NODES_DIR"
  docker_ network create --driver bridge --subnet "$NODES_SUBNET" "$NODES_NETWORK" >/dev/null
  for ((i = 1; i <= count; i++)); do
    docker_ run -d "${NODE_PRIVILEGES[@]}" --name "$(node_name "$i")" --hostname "node$i" \
      --network "$NODES_NETWORK" --ip "$(node_ip "$i")" -v "$(node_name "$i")-data:/var/lib/docker" \
      "bookstore-node:$tag" >/dev/null
    printf '#!/bin/sh\nexec %s exec -i %s docker "$@"\n' "$DOCKER" "$(node_name "$i")" >"$NODES_DIR/docker-node$i"
    chmod +x "$NODES_DIR/docker-node$i"
  done
  for ((i = 1; i <= count; i++)); do
    poll_until 60 node_ready "$i" || die "the engine of node $i did not start"
  done
  say "loading the images into $count nodes"
  local images=()
  for image in "${!IMAGE_TAGS[@]}"; do images+=("bookstore-$image:${IMAGE_TAGS[$image]}"); done
  docker_ save "${images[@]}" >"$NODES_DIR/images.tar"
  for ((i = 1; i <= count; i++)); do
    node_docker "$i" load <"$NODES_DIR/images.tar" >/dev/null || die "loading the images into node $i failed"
  done
  rm -f "$NODES_DIR/images.tar"
  node_docker 1 swarm init --advertise-addr "$(node_ip 1)" >/dev/null
  local token
  token=$(node_docker 1 swarm join-token -q worker)
  for ((i = 2; i <= count; i++)); do
    node_docker "$i" swarm join --token "$token" "$(node_ip 1):2377" >/dev/null
  done
  node_docker 1 node update --label-add bookstore.db=true node2 >/dev/null
  node_docker 1 node update --label-add bookstore.mq=true node3 >/dev/null
  say "$count nodes in one swarm in $((($(now_ms) - started) / 1000))s"
}

nodes_down() {
  local containers volumes
  containers=$(docker_ ps -aq --filter "name=^bookstore-node[0-9]+$")
  [[ -z "$containers" ]] || docker_ rm -f $containers >/dev/null
  volumes=$(docker_ volume ls -q --filter "name=^bookstore-node[0-9]+-data$")
  [[ -z "$volumes" ]] || docker_ volume rm $volumes >/dev/null
  docker_ network rm "$NODES_NETWORK" >/dev/null 2>&1 || true
}

# nodes_deploy <stack>: the stack deployed from node 1 (the manager), on ports 5000 and 8080 of every
# node. This kernel has no ESP (IPsec), so the overlay network between nodes is not encrypted here: the
# copy of the stack file deployed drops `encrypted` (a real swarm keeps it).
nodes_deploy() {
  local stack=$1
  local stack_dir=/tmp/bookstore-stack
  docker_ exec "$(node_name 1)" rm -rf "$stack_dir"
  docker_ cp "$BS_ROOT/deploy/swarm" "$(node_name 1):$stack_dir"
  docker_ exec "$(node_name 1)" sed -i '/driver_opts: {encrypted: "true"}/d' "$stack_dir/docker-stack.yml"
  DOCKER="$NODES_DIR/docker-node1" create_secrets "$stack"
  local variables=() variable
  for variable in "${STACK_IMAGE_VARIABLES[@]}" "${STACK_SETTING_VARIABLES[@]}" SECRETS_PREFIX="$stack"; do
    variables+=(-e "$variable")
  done
  docker_ exec -w "$stack_dir" "${variables[@]}" \
    "$(node_name 1)" docker stack deploy -c docker-stack.yml "$stack" >"$SWARM_DIR/deploy-nodes.log" 2>&1 ||
    { cat "$SWARM_DIR/deploy-nodes.log" >&2; die "deploying on the nodes failed"; }
}
