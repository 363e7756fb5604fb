#!/bin/bash
# Starts mariadbd on /var/lib/mysql, initialising it first when it holds no finished initialisation:
# system tables, root's password (MARIADB_ROOT_PASSWORD or _FILE), then /docker-entrypoint-initdb.d/*.sh
# against a server that listens on its socket only. A marker file is written last, so an initialisation
# cut short (the task killed) is redone from scratch rather than left half done.
set -euo pipefail
datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock
marker=$datadir/.bookstore-initialised

say() { echo "entrypoint: $*" >&2; }

root_password() {
  if [[ -n "${MARIADB_ROOT_PASSWORD_FILE:-}" ]]; then
    cat "$MARIADB_ROOT_PASSWORD_FILE"
  else
    printf '%s' "${MARIADB_ROOT_PASSWORD:?set MARIADB_ROOT_PASSWORD or MARIADB_ROOT_PASSWORD_FILE}"
  fi
}

initialise() {
  say "initialising an empty data folder"
  find "$datadir" -mindepth 1 -delete
  # --user: the socket-authenticated account mysql@localhost as well as root@localhost (the health check).
  mariadb-install-db --datadir="$datadir" --user=mysql --auth-root-authentication-method=socket --skip-test-db \
    --skip-name-resolve >/dev/null
  mariadbd --datadir="$datadir" --socket="$socket" --skip-networking --skip-name-resolve &
  local pid=$! i
  for ((i = 0; i < 120; i++)); do
    mariadb-admin --socket="$socket" ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  local password escaped
  password=$(root_password)
  escaped=${password//\\/\\\\}
  escaped=${escaped//\'/\\\'}
  # root: through the socket only (as the OS user root, or with the password); no remote root.
  mariadb --socket="$socket" <<SQL
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('$escaped');
FLUSH PRIVILEGES;
SQL
  local script
  for script in /docker-entrypoint-initdb.d/*.sh; do
    [[ -e "$script" ]] || continue
    say "running $script"
    bash "$script"
  done
  mariadb-admin --socket="$socket" shutdown
  wait "$pid" || true
  touch "$marker"
  say "initialised"
}

# Like the official image: arguments that are options belong to mariadbd (the stack's `command`).
[[ "${1:-}" == -* ]] && set -- mariadbd "$@"
if [[ "${1:-}" == mariadbd ]]; then
  [[ -f "$marker" ]] || initialise
  exec "$@" --datadir="$datadir" --socket="$socket" --bind-address=0.0.0.0 --skip-name-resolve
fi
exec "$@"
