#!/usr/bin/env bash
# Deploys (or updates, with a rolling start-first update) the stack on the swarm this manager belongs to.
#   IMAGE_PREFIX=registry.example.com:5000/ TAG=1.4.0 deploy/swarm/deploy.sh [STACK_NAME]
# MARIADB_IMAGE and RABBITMQ_IMAGE default to the Debian-based images of the same registry and tag.
set -euo pipefail
: "${IMAGE_PREFIX:?set IMAGE_PREFIX (e.g. registry.example.com:5000/)}" "${TAG:?set TAG}"
stack="${1:-bookstore}"
here="$(cd "$(dirname "$0")" && pwd)"
export IMAGE_PREFIX TAG
export MARIADB_IMAGE="${MARIADB_IMAGE:-${IMAGE_PREFIX}bookstore-mariadb:${TAG}}"
export RABBITMQ_IMAGE="${RABBITMQ_IMAGE:-${IMAGE_PREFIX}bookstore-rabbitmq:${TAG}}"
cd "${here}"
docker stack deploy --with-registry-auth --prune -c docker-stack.yml "${stack}"
docker stack services "${stack}"
