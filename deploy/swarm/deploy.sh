#!/usr/bin/env bash
# Deploys (or updates, with a rolling start-first update) the stack on the swarm this manager belongs to.
#   REGISTRY=registry.example.com:5000 TAG=1.4.0 deploy/swarm/deploy.sh [STACK_NAME]
set -euo pipefail
: "${REGISTRY:?set REGISTRY}" "${TAG:?set TAG}"
stack="${1:-bookstore}"
here="$(cd "$(dirname "$0")" && pwd)"
docker stack config -c "${here}/docker-stack.yml" >/dev/null
REGISTRY="${REGISTRY}" TAG="${TAG}" docker stack deploy --with-registry-auth --prune -c "${here}/docker-stack.yml" "${stack}"
docker stack services "${stack}"
