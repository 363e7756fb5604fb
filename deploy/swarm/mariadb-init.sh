#!/bin/bash
# Runs once, when the MariaDB volume is empty (the mariadb image's /docker-entrypoint-initdb.d):
# one database per service and a least-privilege user of the same name, password from its Docker secret.
set -euo pipefail
for svc in auth catalog orders; do
  password="$(cat "/run/secrets/${svc}_db_password")"
  escaped="${password//\'/\'\'}"
  mariadb --protocol=socket -uroot -p"$(cat /run/secrets/db_root_password)" <<SQL
CREATE DATABASE IF NOT EXISTS \`${svc}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci;
CREATE USER IF NOT EXISTS '${svc}'@'%' IDENTIFIED BY '${escaped}';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES ON \`${svc}\`.* TO '${svc}'@'%';
SQL
done
