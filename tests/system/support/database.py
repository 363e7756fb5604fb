"""A fresh database and least-privilege user per test, on the test MariaDB, through the mariadb
client (no Python driver needed)."""

import os
import secrets
import subprocess
from dataclasses import dataclass

# Same rights as `./bookstore up` grants each service on its own schema (scripts/lib/stack.sh): DDL is
# included because services apply their own migrations at start-up.
SERVICE_GRANTS = ("SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES, "
                  "CREATE TEMPORARY TABLES, LOCK TABLES")


def _root_sql(infra, sql, database=None):
    args = ["mariadb", "--no-defaults", f"--host={infra.db_host}", f"--port={infra.db_port}",
            f"--user={infra.db_user}", "--protocol=TCP", "--batch", "--skip-column-names",
            "--default-character-set=utf8mb4", "--connect-timeout=10"]
    if database:
        args.append(f"--database={database}")
    env = dict(os.environ)
    env.pop("MYSQL_PWD", None)
    if infra.db_password:
        env["MYSQL_PWD"] = infra.db_password
    result = subprocess.run(args, input=sql, text=True, capture_output=True, env=env, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"mariadb failed: {result.stderr.strip()}\nSQL: {sql}")
    return result.stdout


@dataclass
class Database:
    infra: object
    name: str
    user: str
    password: str

    @property
    def host(self):
        return self.infra.db_host

    @property
    def port(self):
        return self.infra.db_port

    def env(self):
        """The settings a service reads for its database (conventions: DB_*)."""
        return {"DB_HOST": self.host, "DB_PORT": str(self.port), "DB_NAME": self.name,
                "DB_USER": self.user, "DB_PASSWORD": self.password}

    def query(self, sql):
        """Runs SQL as the test root user in this database; returns rows as lists of strings
        (tab-separated output of the mariadb client, NULL as 'NULL')."""
        out = _root_sql(self.infra, sql, database=self.name)
        return [line.split("\t") for line in out.splitlines()]

    def scalar(self, sql):
        rows = self.query(sql)
        return rows[0][0] if rows else None


def create_database(infra, prefix="t"):
    """A new, uniquely named database and a user with rights on it only."""
    suffix = secrets.token_hex(4)
    name = f"{prefix}_{suffix}"[:64]
    user = name[:80]
    password = secrets.token_urlsafe(18)
    _root_sql(infra, f"""
        CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci;
        CREATE USER '{user}'@'%' IDENTIFIED BY '{password}';
        GRANT {SERVICE_GRANTS} ON `{name}`.* TO '{user}'@'%';
    """)
    return Database(infra=infra, name=name, user=user, password=password)


def drop_database(database):
    _root_sql(database.infra, f"""
        DROP DATABASE IF EXISTS `{database.name}`;
        DROP USER IF EXISTS '{database.user}'@'%';
    """)
