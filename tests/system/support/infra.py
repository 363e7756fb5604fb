"""The servers `./bookstore test` started, as it exports them in the environment."""

import os
import pathlib
import shlex
import subprocess
import urllib.parse
from dataclasses import dataclass

REQUIRED = (
    "BOOKSTORE_TEST_DB_HOST",
    "BOOKSTORE_TEST_DB_PORT",
    "BOOKSTORE_TEST_DB_USER",
    "BOOKSTORE_TEST_AMQP_URL",
    "BOOKSTORE_TEST_INFRA",
)


class MissingEnvironment(RuntimeError):
    pass


@dataclass(frozen=True)
class Infra:
    db_host: str
    db_port: int
    db_user: str
    db_password: str
    amqp_url: str
    command: tuple  # BOOKSTORE_TEST_INFRA split into words

    @classmethod
    def from_env(cls, environ=os.environ):
        missing = [name for name in REQUIRED if not environ.get(name)]
        if "BOOKSTORE_TEST_DB_PASSWORD" not in environ:
            missing.append("BOOKSTORE_TEST_DB_PASSWORD")
        if missing:
            raise MissingEnvironment(
                "system tests need " + ", ".join(missing) + " (run them through ./bookstore test)")
        return cls(
            db_host=environ["BOOKSTORE_TEST_DB_HOST"],
            db_port=int(environ["BOOKSTORE_TEST_DB_PORT"]),
            db_user=environ["BOOKSTORE_TEST_DB_USER"],
            db_password=environ["BOOKSTORE_TEST_DB_PASSWORD"],
            amqp_url=environ["BOOKSTORE_TEST_AMQP_URL"],
            command=tuple(shlex.split(environ["BOOKSTORE_TEST_INFRA"])),
        )

    @property
    def amqp_port(self):
        return urllib.parse.urlsplit(self.amqp_url).port or 5672

    def run(self, *args, timeout=180):
        """Runs an infra.sh command (e.g. "restart", "rabbitmq"); returns when it has finished, which
        for start/restart means the server is ready again."""
        subprocess.run(self.command + args, check=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def restart_rabbitmq(self):
        self.run("restart", "rabbitmq")

    def stop_rabbitmq(self):
        self.run("stop", "rabbitmq")

    def start_rabbitmq(self):
        self.run("start", "rabbitmq")

    def restart_mariadb(self):
        self.run("restart", "mariadb")

    def amqp_env(self):
        """The AMQP setting every component on the bus reads."""
        return {"AMQP_URL": self.amqp_url}


def output_root(environ=os.environ):
    """Where tests put logs and artefacts: $BOOKSTORE_TEST_OUTPUT/system, or a folder under .run when
    pytest is started by hand."""
    base = environ.get("BOOKSTORE_TEST_OUTPUT")
    if not base:
        base = pathlib.Path(__file__).resolve().parents[3] / ".run" / "test" / "output"
    return pathlib.Path(base) / "system"
