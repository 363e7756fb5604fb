#!/usr/bin/env bash
# Builds every component's image and pushes it to a registry.
#   deploy/swarm/build-and-push.sh REGISTRY [TAG]      e.g. registry.example.com:5000 1.4.0
# TAG defaults to the current git commit. Needs a Docker engine (run it on a swarm manager or a build host).
set -euo pipefail
registry="${1:?usage: $0 REGISTRY [TAG]}"
tag="${2:-$(git rev-parse --short HEAD)}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
for component in auth catalog orders gateway web; do
  image="${registry}/bookstore-${component}:${tag}"
  echo "==> ${image}"
  docker build -f "${root}/deploy/docker/Dockerfile" --build-arg COMPONENT="${component}" -t "${image}" "${root}"
  docker push "${image}"
done
echo "Pushed tag ${tag}. Deploy with: REGISTRY=${registry} TAG=${tag} deploy/swarm/deploy.sh"
