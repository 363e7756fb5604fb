"""Fixtures of the system tests (components started as black boxes; see support/).

    def test_catalog_survives_rabbitmq_restart(infra, fresh_database, components):
        db = fresh_database("catalog")
        catalog = components.start("catalog", env={**db.env(), **infra.amqp_env()})
        infra.restart_rabbitmq()
        ...

`./bookstore test` exports what these need: BOOKSTORE_TEST_DB_*, BOOKSTORE_TEST_AMQP_URL,
BOOKSTORE_TEST_INFRA, BOOKSTORE_BIN_DIR (the build folder), BOOKSTORE_TEST_OUTPUT (logs go to
<it>/system/<test name>/) and BOOKSTORE_TEST_PIDS.
"""

import re

import pytest

from support import Component, Infra, MissingEnvironment, create_database, drop_database, stop_all
from support.infra import output_root


@pytest.fixture(scope="session")
def infra():
    """The throwaway MariaDB and RabbitMQ. A test using it fails (never skips) when the variables are
    missing."""
    try:
        return Infra.from_env()
    except MissingEnvironment as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def output_dir(request):
    """A folder of this test's own for logs and artefacts."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.replace("::", "."))
    path = output_root() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


class Components:
    """Starts components for one test and stops whatever still runs at its end."""

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.started = []

    def new(self, name, env=None, **kwargs):
        """A Component not yet started (for tests that start it themselves)."""
        kwargs.setdefault("log_dir", self.log_dir)
        component = Component(name, env, **kwargs)
        self.started.append(component)
        return component

    def start(self, name, env=None, ready_timeout=30.0, **kwargs):
        """A Component started and ready."""
        return self.new(name, env, **kwargs).start(ready_timeout)

    def stop_all(self):
        stop_all(self.started)


@pytest.fixture
def components(output_dir):
    registry = Components(output_dir)
    yield registry
    registry.stop_all()


@pytest.fixture
def fresh_database(infra):
    """Factory: fresh_database("catalog") makes a new database and user, dropped after the test."""
    made = []

    def make(prefix="t"):
        database = create_database(infra, prefix)
        made.append(database)
        return database

    yield make
    for database in made:
        drop_database(database)
