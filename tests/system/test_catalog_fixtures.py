"""Shared set-up of the catalog's system tests (the other test_catalog_*.py import it): a real auth and
a catalog started as black boxes on a private AMQP name prefix with their own databases, token helpers,
an event log read from a queue bound to the events exchange, and a way to publish events by hand.

Tokens: catalog verifies them with the real auth's keys (its JWKS). Most tests sign their users'
tokens with auth's own key file (catalog-test-tool sign: the same tokens auth would issue, without the
cost of a password hash per user); registered_user() and registered_admin() go through auth's
register/login, and the user.registered events auth then publishes reach catalog.

One store per test module (starting auth and catalog costs seconds); tests stay independent by making
their own users, books and orders, and by matching events on ids.

    from test_catalog_fixtures import store  # noqa: F401  (the fixture)

    def test_something(store):
        alice = store.new_user("Alice")
        book = store.create_book(alice, title="Germinal")
"""

import base64
import json
import os
import secrets
import subprocess
from decimal import Decimal

import pytest
import requests

from support import Component, binary_for, create_database, drop_database, wait_for
from support.infra import output_root

ADMIN_EMAIL = "admin@catalog.test"
ADMIN_PASSWORD = "Admin-Passw0rd-For-Catalog-Tests"
PASSWORD = "correct horse battery staple"
ISSUER = "bookstore-auth"
AUDIENCE = "bookstore"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def exact_json(response):
    """The JSON body with every non-integer number as a Decimal, exactly as written."""
    return json.loads(response.text, parse_float=Decimal)


def problem(response):
    """The problem+json body of an error response (asserting that it is one)."""
    assert response.headers.get("Content-Type", "").startswith("application/problem+json"), response.text
    body = response.json()
    assert body["status"] == response.status_code
    return body


class User:
    """A caller: a token, and who it says it is."""

    def __init__(self, token, user_id, name, role="user"):
        self.token = token
        self.user_id = user_id
        self.name = name
        self.role = role

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}


ANONYMOUS = User(None, None, None)


class EventLog:
    """Events published on the store's exchange, read from a queue bound to it: the test topology's
    orders.events (bound to book.*, order.stock_reserved, order.stock_rejected), which no orders service
    consumes in these tests. Everything read is kept, so tests match events by ids."""

    def __init__(self, store, queue="orders.events"):
        self.store = store
        self.queue = queue
        self.received = []

    def poll(self, wait_ms=300):
        for line in self.store.tool("take", self.queue, str(wait_ms)).splitlines():
            message = json.loads(line)
            event = json.loads(message["body"], parse_float=Decimal)
            if not self.queue.endswith(".dead"):  # dead letters carry their queue's name as routing key
                assert message["routing_key"] == event["type"]
            assert message["message_id"] == event["id"]
            self.received.append(event)

    def matching(self, predicate):
        return [event for event in self.received if predicate(event)]

    def wait_for(self, predicate, count=1, timeout=30, what="events"):
        """The events matching predicate, once there are at least `count` of them."""

        def enough():
            self.poll()
            found = self.matching(predicate)
            return found if len(found) >= count else None

        return wait_for(enough, timeout=timeout, interval=0.01, message=f"{count} {what}", retry_on=())

    def book_events(self, book_id):
        return self.matching(lambda e: e["type"].startswith("book.") and e["data"]["id"] == book_id)

    def wait_book_events(self, book_id, count, timeout=30):
        return self.wait_for(lambda e: e["type"].startswith("book.") and e["data"]["id"] == book_id, count,
                             timeout, what=f"events of book {book_id}")

    def wait_order_outcome(self, order_id, timeout=30):
        found = self.wait_for(lambda e: e["type"] in ("order.stock_reserved", "order.stock_rejected")
                              and e["data"]["order_id"] == order_id, 1, timeout, what=f"outcome of order {order_id}")
        return found[0]


class Store:
    """Auth and catalog of one test module on a private AMQP prefix, with their own databases."""

    def __init__(self, infra, log_dir, catalog_env=None):
        self.infra = infra
        self.log_dir = log_dir
        self.prefix = f"cat{secrets.token_hex(4)}."
        self.keys_file = log_dir / "jwt_keys"
        self.keys_file.write_text(f"k1 {b64url(os.urandom(32))}\n")
        self.tool_path = binary_for("catalog").parent / "catalog-test-tool"
        self.databases = []
        self.components = []
        self.auth_db = self._database("cauth")
        self.catalog_db = self._database("catalog")
        self.auth = self._start("auth", {**self.auth_db.env(), **self.amqp_env(), "JWT_KEYS_FILE": str(self.keys_file),
                                         "JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE,
                                         "ADMIN_EMAIL": ADMIN_EMAIL, "ADMIN_PASSWORD": ADMIN_PASSWORD})
        self.catalog = self._start("catalog", {**self.catalog_db.env(), **self.amqp_env(), "AUTH_URL": self.auth.url,
                                               "JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE,
                                               **(catalog_env or {})})
        self.events = EventLog(self)
        self._admin = None

    def _database(self, prefix):
        database = create_database(self.infra, prefix)
        self.databases.append(database)
        return database

    def _start(self, name, env):
        component = Component(name, env, log_dir=self.log_dir)
        self.components.append(component)
        return component.start(ready_timeout=60)

    def amqp_env(self):
        return {"AMQP_URL": self.infra.amqp_url, "AMQP_NAME_PREFIX": self.prefix}

    @property
    def url(self):
        return self.catalog.url

    def close(self):
        for component in reversed(self.components):
            try:
                component.stop()
            except Exception:  # noqa: BLE001 - teardown goes on
                component.kill()
        subprocess.run([str(self.tool_path), "delete-topology"], env={**os.environ, **self.amqp_env()},
                       capture_output=True, timeout=60, check=False)
        for database in self.databases:
            drop_database(database)

    # ------------------------------------------------------------------------------------ tools

    def tool(self, *args):
        result = subprocess.run([str(self.tool_path), *args], env={**os.environ, **self.amqp_env()},
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def publish(self, event_type, data, event_id=None):
        """Publishes an event as its producer would; the same event_id twice is a redelivery."""
        args = ["publish", event_type, json.dumps(data)]
        if event_id:
            args.append(event_id)
        return self.tool(*args)

    # ------------------------------------------------------------------------------------ users

    def new_user(self, name=None, role="user"):
        """A user with a token signed by auth's key (auth itself never heard of them)."""
        return self.signed_user(name or f"User {secrets.token_hex(3)}", role)

    def admin(self):
        return self.new_user("Admin", role="admin")

    def registered_user(self, name=None):
        """A user registered with the real auth, logged in."""
        name = name or f"User {secrets.token_hex(3)}"
        email = f"{secrets.token_hex(6)}@catalog.test"
        response = requests.post(self.auth.url + "/auth/register",
                                 json={"name": name, "email": email, "password": PASSWORD}, timeout=20)
        assert response.status_code == 201, response.text
        login = requests.post(self.auth.url + "/auth/login", json={"email": email, "password": PASSWORD}, timeout=20)
        assert login.status_code == 200, login.text
        body = login.json()
        return User(body["token"], body["user_id"], name, body["role"])

    def registered_admin(self):
        """The admin auth creates at start-up (ADMIN_EMAIL), logged in."""
        if self._admin is None:
            login = requests.post(self.auth.url + "/auth/login",
                                  json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, timeout=20)
            assert login.status_code == 200, login.text
            body = login.json()
            assert body["role"] == "admin"
            self._admin = User(body["token"], body["user_id"], "admin", "admin")
        return self._admin

    def signed_user(self, name, role="user", user_id=None):
        """A token signed with auth's key for a user auth has never heard of (so no user.registered); ids
        far above those auth hands out."""
        user_id = user_id or 10_000_000 + secrets.randbelow(1_000_000_000)
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": str(user_id), "name": name, "role": role}
        return User(self.tool("sign", str(self.keys_file), json.dumps(claims)), user_id, name, role)

    # ------------------------------------------------------------------------------------ books

    def request(self, method, path, user=None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if user is not None and user.token:
            headers.update(user.headers)
        kwargs.setdefault("timeout", 20)
        return requests.request(method, self.url + path, headers=headers, **kwargs)

    def create_book(self, user, **fields):
        body = {"title": f"Book {secrets.token_hex(3)}", "author": "Some Author", "description": "A used copy.",
                "price": 10, "stock": 1, **fields}
        response = self.request("POST", "/books", user, json=body)
        assert response.status_code == 201, response.text
        return exact_json(response)

    def get_book(self, book_id):
        response = self.request("GET", f"/books/{book_id}")
        assert response.status_code == 200, response.text
        return exact_json(response)

    def stock_audit(self):
        """Per live or deleted book: (id, stock, stock_supplied, quantity held by 'reserved' reservations)."""
        rows = self.catalog_db.query(
            "SELECT b.id, b.stock, b.stock_supplied, COALESCE(SUM(r.quantity), 0) FROM books b "
            "LEFT JOIN reservations r ON r.book_id = b.id AND r.status = 'reserved' GROUP BY b.id")
        return [tuple(int(value) for value in row) for row in rows]


def assert_stock_invariant(store):
    for book_id, stock, supplied, reserved in store.stock_audit():
        assert stock >= 0, f"book {book_id}: negative stock {stock}"
        assert supplied == stock + reserved, f"book {book_id}: supplied {supplied} != {stock} + {reserved}"


def module_log_dir(request):
    path = output_root() / request.module.__name__
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def store(request, infra):
    made = Store(infra, module_log_dir(request))
    yield made
    made.close()


def wait_until(predicate, timeout=30, what=None):
    return wait_for(predicate, timeout=timeout, interval=0.02, message=what)

