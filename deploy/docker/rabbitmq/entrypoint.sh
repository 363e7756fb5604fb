#!/bin/bash
# Writes the node's configuration from the environment, then runs RabbitMQ in the foreground.
#   RABBITMQ_DEFAULT_USER, RABBITMQ_DEFAULT_PASS or RABBITMQ_DEFAULT_PASS_FILE: the first user (only used
#     when the node's database is created; later changes of the secret need rabbitmqctl change_password)
#   RABBITMQ_MEMORY_LIMIT: the absolute memory high watermark (the node does not see a container's
#     memory limit and would size itself from the host's memory)
set -euo pipefail
password=${RABBITMQ_DEFAULT_PASS:-}
[[ -n "${RABBITMQ_DEFAULT_PASS_FILE:-}" ]] && password=$(cat "$RABBITMQ_DEFAULT_PASS_FILE")
umask 077
{
  echo "listeners.tcp.default = 5672"
  echo "loopback_users = none"
  echo "log.console = true"
  echo "log.console.level = info"
  echo "vm_memory_high_watermark.absolute = ${RABBITMQ_MEMORY_LIMIT}"
  if [[ -n "${RABBITMQ_DEFAULT_USER:-}" ]]; then
    echo "default_user = ${RABBITMQ_DEFAULT_USER}"
    echo "default_pass = ${password}"
  fi
} >"$RABBITMQ_CONFIG_FILE"
exec "$@"
