"""Fixtures of the system tests (components started as black boxes; see support/).

A test of the store's behaviour takes a Stack (support/stack.py): the components it starts share a
private AMQP name prefix, a JWT key file and one database per service, and are stopped, their topology
deleted and their databases dropped at the end.

    def test_something(stack):                       # a Stack of this test; nothing runs yet
        auth = stack.start_auth()
        gateway = stack.start_gateway(catalog=stack.start_fake("catalog"))
        alice = Client(gateway).new_user("Alice")

    def test_a_book(store):                           # auth (with the admin) and catalog, one per module
        book = store.create_book(store.signed_user("Alice"), title="Germinal")

    pytestmark = pytest.mark.usefixtures("verified")  # ./bookstore verify must pass after each test

A module whose store needs other settings overrides `store` with module_stack.start_store(...). The
harness itself (a component by hand, a database, the servers):

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

from support import Components, Infra, MissingEnvironment, create_database, drop_database
from support import openapi
from support.infra import output_root
from support.stack import Stack

# Every response a test receives from a gateway (and from a service, on a public path) is checked against
# docs/openapi.yaml (support/openapi.py).
openapi.install()


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"docs/openapi.yaml: {openapi.counts['validated']} responses of gateways and services validated, "
        f"{openapi.counts['stand-in']} skipped (a running stand-in upstream behind the path)")
    if openapi.counts["validated"]:
        terminalreporter.write_line("operations no validated answer came from: " +
                                    (", ".join(openapi.unexercised()) or "none"))


@pytest.fixture(autouse=True)
def openapi_conformance():
    """Fails the test (as an error at its teardown) when a gateway's answer broke docs/openapi.yaml, even if
    the test swallowed the ContractViolation (wait_for retries, worker threads). Violations while a
    module's fixtures started are reported by its first test."""
    yield
    violations = openapi.take_violations()
    if violations:
        pytest.fail("responses that break docs/openapi.yaml:\n" + "\n".join(dict.fromkeys(violations)),
                    pytrace=False)


@pytest.fixture(scope="session")
def infra():
    """The throwaway MariaDB and RabbitMQ. A test using it fails (never skips) when the variables are
    missing."""
    try:
        return Infra.from_env()
    except MissingEnvironment as error:
        pytest.fail(str(error), pytrace=False)


def _folder(nodeid):
    path = output_root() / re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.replace("::", "."))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def output_dir(request):
    """A folder of this test's own for logs and artefacts."""
    return _folder(request.node.nodeid)


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


@pytest.fixture
def stack(infra, output_dir):
    """A Stack of this test (nothing started), closed at its end."""
    made = Stack(infra, output_dir)
    yield made
    made.close()


@pytest.fixture
def verified(stack):
    """After the test, waits until `./bookstore verify` finds the stack's three databases consistent (every
    invariant of the order saga holding, events in flight settled); the test errors otherwise."""
    yield
    stack.assert_verified()


@pytest.fixture(scope="module")
def module_stack(request, infra):
    """A Stack shared by the tests of one module (starting auth and catalog costs seconds): tests stay
    independent by making their own users, books and orders, and by matching events on ids."""
    made = Stack(infra, _folder(request.module.__name__))
    yield made
    made.close()


@pytest.fixture(scope="module")
def store(module_stack):
    """auth (with the admin) and catalog of this module, running, and no orders service: catalog's saga
    answers are left for the test (store.events has them)."""
    return module_stack.start_store(orders=0)
