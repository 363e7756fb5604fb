#!/usr/bin/env bash
# ./bookstore verify: checks the invariants of docs/design.md §4 across the databases of a store (by default the
# one `./bookstore up` runs), prints every violation and exits 1 if there is any (0 when all hold, 2 when
# it could not check). The SQL is scripts/verify.sql; the inbox check is built here per database.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
usage: ./bookstore verify [options]

Checks, as the database's root user, across the auth, catalog and orders databases:
  - stock is never negative;
  - for every book, copies supplied = copies in stock + copies held by live reservations;
  - every awaiting_payment, paid or shipped order holds reservations of all its items (same quantities
    and unit prices), and its total is what its items cost;
  - pending, cancelled and rejected orders hold no reservation, nor do orders unknown to orders;
  - no order is paid twice; paid and shipped orders have one completed payment, of their total; only
    shipped orders have a delivery;
  - no inbox (bus_inbox) records an event id twice.
Orders changed less than --settle seconds ago are listed as "settling" rather than judged: the other
service may not have caught up yet (a cancellation's release on its way). Pending orders are listed too.

Where (default: the store of ./bookstore up, through its root credentials in .run/secrets/):
  --host HOST --port PORT --user USER   another MariaDB server (e.g. the test instance of ./bookstore test);
                                        the password comes from BOOKSTORE_VERIFY_DB_PASSWORD (may be empty)
  --docker CONTAINER  a MariaDB container, through its own client as root (password from its secret
                      /run/secrets/db_root_password); the docker command is \$BOOKSTORE_DOCKER or docker
  --auth-db NAME      [auth]     ("" skips it)
  --catalog-db NAME   [catalog]
  --orders-db NAME    [orders]
Options:
  --settle SECONDS    [5]
  --quiet             print only violations and the summary
  -h, --help          this text
EOF
}

host="" port="" user="" container="" auth_db=auth catalog_db=catalog orders_db=orders settle=5 quiet=0
while (($#)); do
  case "$1" in
    --host) host=$2; shift ;;
    --port) port=$2; shift ;;
    --user) user=$2; shift ;;
    --docker) container=$2; shift ;;
    --auth-db) auth_db=$2; shift ;;
    --catalog-db) catalog_db=$2; shift ;;
    --orders-db) orders_db=$2; shift ;;
    --settle) settle=$2; shift ;;
    --quiet) quiet=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; echo "verify: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

fail() {
  echo "verify: $*" >&2
  exit 2
}

[[ "$settle" =~ ^[0-9]+$ ]] || fail "--settle must be a whole number of seconds"
for name in "$auth_db" "$catalog_db" "$orders_db"; do
  # Database names are pasted into the SQL: only plain identifiers.
  [[ -z "$name" || "$name" =~ ^[A-Za-z0-9_]{1,64}$ ]] || fail "'$name' is not a database name this script accepts"
done
[[ -n "$catalog_db" && -n "$orders_db" ]] || fail "--catalog-db and --orders-db are needed"

# sql: runs SQL from stdin as root, tab-separated rows without column names.
if [[ -n "$container" ]]; then
  sql() {
    "${BOOKSTORE_DOCKER:-docker}" exec -i "$container" sh -c \
      'MYSQL_PWD=$(cat /run/secrets/db_root_password) exec mariadb -uroot "$@"' mariadb \
      --batch --skip-column-names --default-character-set=utf8mb4 "$@"
  }
elif [[ -n "$host" ]]; then
  [[ -n "$port" && -n "$user" ]] || fail "--host needs --port and --user"
  sql() {
    MYSQL_PWD="${BOOKSTORE_VERIFY_DB_PASSWORD:-}" mariadb --no-defaults --host="$host" --port="$port" --user="$user" \
      --protocol=TCP --batch --skip-column-names --default-character-set=utf8mb4 --connect-timeout=10 "$@"
  }
else
  [[ -s "$BS_ROOT/.run/secrets/mariadb-root.cnf" ]] ||
    fail "no store started by ./bookstore up here (no .run/secrets/mariadb-root.cnf); start one or give --host"
  sql() { "$BS_SCRIPTS/infra.sh" --run-dir "$BS_ROOT/.run" sql --batch --skip-column-names "$@"; }
fi

existing=$(sql <<<"SELECT schema_name FROM information_schema.schemata;") || fail "cannot reach the database server"
has_db() { grep -qxF -- "$1" <<<"$existing"; }
for name in "$catalog_db" "$orders_db"; do
  has_db "$name" || fail "database '$name' does not exist"
done

# Each database's inbox, when it has one: an event id recorded twice means an event applied twice.
inbox_sql=""
for name in "$auth_db" "$catalog_db" "$orders_db"; do
  [[ -n "$name" ]] && has_db "$name" || continue
  has_inbox=$(sql <<<"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$name' AND table_name = 'bus_inbox';")
  [[ "$has_inbox" == 1 ]] || continue
  inbox_sql+="SELECT 'violation', 'inbox_duplicate', CONCAT('$name.bus_inbox records event ', event_id, ' ', COUNT(*), ' times')
FROM \`$name\`.bus_inbox GROUP BY event_id HAVING COUNT(*) > 1;
"
done

checks=$(sed -e "s/{{catalog}}/$catalog_db/g" -e "s/{{orders}}/$orders_db/g" -e "s/{{settle}}/$settle/g" \
  "$BS_SCRIPTS/verify.sql")
output=$(sql <<<"$checks
$inbox_sql") || fail "the checks could not run (are the services' migrations applied?)"

violations=0 settling=0
while IFS=$'\t' read -r kind check detail; do
  [[ -n "${kind:-}" ]] || continue
  if [[ "$kind" == violation ]]; then
    violations=$((violations + 1))
    printf 'VIOLATION %-26s %s\n' "$check" "$detail"
  else
    settling=$((settling + 1))
    ((quiet)) || printf 'settling  %-26s %s\n' "$check" "$detail"
  fi
done <<<"$output"

where="${host:-the ./bookstore up store}${port:+:$port} (catalog: $catalog_db, orders: $orders_db${auth_db:+, auth: $auth_db})"
if ((violations)); then
  echo "verify: $violations violation(s), $settling settling, in $where"
  exit 1
fi
echo "verify: every invariant holds ($settling settling) in $where"
