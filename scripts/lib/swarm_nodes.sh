# A swarm of several nodes on one machine, for `./bookstore swarm test --nodes N`: each node is a
# container (tests/swarm/nodes/Dockerfile) running Debian's Docker engine, on a bridge network
# of the private engine. Sourced after swarm_engine.sh, never run.
# shellcheck shell=bash

NODES_NETWORK=bookstore_nodes
NODES_DIR="$SWARM_DIR/nodes"
# The engine the nodes run on (the tests later point DOCKER at node 1's client).
NODES_HOST_DOCKER=$DOCKER
host_docker() { "$NODES_HOST_DOCKER" "$@"; }

# What an engine inside a container needs. Not --privileged: it asks for every capability, and this
# machine's own bounding set lacks CAP_SYS_RESOURCE, so runc refuses ("unable to apply caps"). The same
# minus that one, no seccomp/AppArmor filter, /proc unmasked, and the cgroup hierarchy writable.
NODE_PRIVILEGES=(--cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined
  --security-opt apparmor=unconfined --security-opt systempaths=unconfined -v /sys/fs/cgroup:/sys/fs/cgroup:rw)

node_name() { echo "bookstore-node$1"; }
# node_ip <i>: node i's address on NODES_NETWORK. The engine picks the network's subnet: one it chooses
# avoids every route the host already has. A fixed subnet collided with the bridge of an engine that had
# been stopped without removing its networks (same subnet, route first in the table, its MASQUERADE rule
# still loaded): replies between nodes were routed into that dead bridge and `swarm join` timed out.
node_ip() {
  host_docker inspect --format "{{(index .NetworkSettings.Networks \"$NODES_NETWORK\").IPAddress}}" "$(node_name "$1")"
}
# node_docker <i> <args...>: the docker client of node i.
node_docker() {
  local i=$1
  shift
  host_docker exec -i "$(node_name "$i")" docker "$@"
}

node_ready() { node_docker "$1" version >/dev/null 2>&1; }
# node_in_swarm <i>: node i's engine has joined (or formed) the swarm.
node_in_swarm() { [[ "$(node_docker "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" == active ]]; }
# swarm_has_nodes <count>: the manager (node 1) sees that many nodes, all Ready.
swarm_has_nodes() {
  (($(node_docker 1 node ls --format '{{.Status}}' 2>/dev/null | grep -cx Ready) == $1))
}

# nodes_join <count>: nodes 2..count join node 1's swarm as workers. `swarm join` gives up waiting after
# 20 s on a loaded machine but goes on in the background: what counts is the state the manager reports.
nodes_join() {
  local count=$1 i token manager
  manager=$(node_ip 1)
  node_docker 1 swarm init --advertise-addr "$manager" >/dev/null || die "swarm init on node 1 failed"
  token=$(node_docker 1 swarm join-token -q worker) || die "no join token from node 1"
  for ((i = 2; i <= count; i++)); do
    node_docker "$i" swarm join --token "$token" "$manager:2377" >/dev/null 2>&1 ||
      warn "node $i is still joining the swarm"
  done
  for ((i = 2; i <= count; i++)); do
    poll_until 120 node_in_swarm "$i" ||
      { node_docker "$i" info 2>&1 | sed -n '/^ Swarm:/,/^ [A-Z]/p' >&2; die "node $i did not join the swarm"; }
  done
  poll_until 120 swarm_has_nodes "$count" ||
    { node_docker 1 node ls >&2; die "the manager does not see $count ready nodes"; }
}

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
  docker_ network create --driver bridge "$NODES_NETWORK" >/dev/null
  for ((i = 1; i <= count; i++)); do
    docker_ run -d "${NODE_PRIVILEGES[@]}" --name "$(node_name "$i")" --hostname "node$i" \
      --network "$NODES_NETWORK" -v "$(node_name "$i")-data:/var/lib/docker" \
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
  nodes_join "$count"
  node_docker 1 node update --label-add bookstore.db=true node2 >/dev/null || die "labelling node 2 failed"
  node_docker 1 node update --label-add bookstore.mq=true node3 >/dev/null || die "labelling node 3 failed"
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
