#!/usr/bin/env bash
# Builds every image of the stack from source and pushes it to a registry (a machine that reaches one).
#   deploy/swarm/build-and-push.sh REGISTRY [TAG]      e.g. registry.example.com:5000 1.4.0
# TAG defaults to the current git commit. The tree is compiled once: the five component images share the
# Dockerfile's build stage (BuildKit). MariaDB and RabbitMQ: use the official images (MARIADB_IMAGE,
# RABBITMQ_IMAGE when deploying) or push the Debian-based ones built here too. The components run on
# io_uring, with an epoll build beside each for nodes that deny io_uring; ASIO_IO_URING=OFF builds the epoll
# one alone (README, "Event loop: io_uring").
set -euo pipefail
registry="${1:?usage: $0 REGISTRY [TAG]}"
tag="${2:-$(git rev-parse --short HEAD)}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
export DOCKER_BUILDKIT=1
push() {  # image dockerfile context [build args...]
  local image=$1 dockerfile=$2 context=$3
  shift 3
  echo "==> ${image}"
  docker build -f "${dockerfile}" "$@" -t "${image}" "${context}"
  docker push "${image}"
}
for component in auth catalog orders gateway web; do
  push "${registry}/bookstore-${component}:${tag}" "${root}/deploy/docker/Dockerfile" "${root}" \
    --target component --build-arg COMPONENT="${component}" --build-arg ASIO_IO_URING="${ASIO_IO_URING:-ON}"
done
for image in edge mariadb rabbitmq; do
  push "${registry}/bookstore-${image}:${tag}" "${root}/deploy/docker/${image}/Dockerfile" "${root}/deploy/docker/${image}"
done
push "${registry}/bookstore-prometheus:${tag}" "${root}/deploy/docker/prometheus/Dockerfile" "${root}/deploy"
echo "Pushed tag ${tag}. Deploy with: IMAGE_PREFIX=${registry}/ TAG=${tag} deploy/swarm/deploy.sh"
