#!/usr/bin/env bash
# Deploys (or updates, with a rolling start-first update) the stack on the swarm this manager belongs to.
#   IMAGE_PREFIX=registry.example.com:5000/ TAG=1.4.0 deploy/swarm/deploy.sh [STACK_NAME]
# Every <NAME>_IMAGE of the stack defaults to ${IMAGE_PREFIX}bookstore-<name>:${TAG}; set MARIADB_IMAGE or
# RABBITMQ_IMAGE to use the official images instead.
set -euo pipefail
: "${IMAGE_PREFIX:?set IMAGE_PREFIX (e.g. registry.example.com:5000/)}" "${TAG:?set TAG}"
stack="${1:-bookstore}"
here="$(cd "$(dirname "$0")" && pwd)"
for name in auth catalog orders gateway web edge prometheus mariadb rabbitmq; do
  variable="${name^^}_IMAGE"
  export "${variable}=${!variable:-${IMAGE_PREFIX}bookstore-${name}:${TAG}}"
done
cd "${here}"
docker stack deploy --with-registry-auth --prune -c docker-stack.yml "${stack}"
docker stack services "${stack}"
