"""Shared set-up of the orders system tests (test_orders_*.py import it): auth, catalog and orders (and the
gateway when a test wants it) started as black boxes with their own databases, on a private AMQP name
prefix; users, books, orders; reading the databases; `./bookstore verify` against the test server.

    from test_orders_fixtures import store  # noqa: F401  (the fixture)

    def test_something(store):
        store.start()                                    # auth, catalog, orders
        alice = store.user("alice")
        book = store.book(alice, price="12.50", stock=3)
        response = store.place(alice, {"book_id": book["id"], "quantity": 1})
"""

import base64
import concurrent.futures
import json
import os
import pathlib
import secrets
import subprocess
from decimal import Decimal

import pytest
import requests

from support import binary_for, wait_for

ADMIN_EMAIL = "admin@orders.test"
ADMIN_PASSWORD = "Admin-Passw0rd-For-Orders"
PASSWORD = "correct horse battery staple"
ROOT = pathlib.Path(__file__).resolve().parents[2]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def money(value):
    """An amount from a JSON body as an exact Decimal (bodies are parsed with parse_float=Decimal)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def body(response):
    return response.json(parse_float=Decimal)


class User:
    def __init__(self, name, user_id, token, role="user"):
        self.name = name
        self.id = user_id
        self.token = token
        self.role = role

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}


class Store:
    """One test's store: components, databases, AMQP prefix and helpers."""

    def __init__(self, infra, components, fresh_database, output_dir):
        self.infra = infra
        self.components = components
        self.output_dir = output_dir
        self.prefix = f"ord{secrets.token_hex(4)}."
        self.keys_file = output_dir / "jwt_keys"
        self.keys_file.write_text(f"k1 {b64url(os.urandom(32))}\n")
        self.auth_db = fresh_database("oauth")
        self.catalog_db = fresh_database("ocat")
        self.orders_db = fresh_database("oord")
        self.tool = binary_for("orders").parent / "orders-test-tool"
        self.auth = None
        self.catalog = None
        self.orders = []
        self.gateway = None
        self.admin = None

    # ------------------------------------------------------------------------------------ components

    def amqp_env(self):
        return {"AMQP_URL": self.infra.amqp_url, "AMQP_NAME_PREFIX": self.prefix}

    def start(self, orders_replicas=1, gateway=False, **orders_env):
        self.start_auth()
        self.start_catalog()
        for _ in range(orders_replicas):
            self.start_orders(**orders_env)
        if gateway:
            self.start_gateway()
        return self

    def start_auth(self):
        env = {**self.auth_db.env(), **self.amqp_env(), "JWT_KEYS_FILE": str(self.keys_file),
               "ADMIN_EMAIL": ADMIN_EMAIL, "ADMIN_PASSWORD": ADMIN_PASSWORD}
        self.auth = self.components.start("auth", env=env)
        return self.auth

    def start_catalog(self):
        env = {**self.catalog_db.env(), **self.amqp_env(), "AUTH_URL": self.auth.url}
        self.catalog = self.components.start("catalog", env=env)
        return self.catalog

    def orders_env(self, **extra):
        return {**self.orders_db.env(), **self.amqp_env(), "AUTH_URL": self.auth.url, **extra}

    def start_orders(self, **extra):
        replica = self.components.start("orders", env=self.orders_env(**extra))
        self.orders.append(replica)
        return replica

    def start_gateway(self):
        env = {**self.amqp_env(), "AUTH_URLS": self.auth.url, "CATALOG_URLS": self.catalog.url,
               "ORDERS_URLS": ",".join(replica.url for replica in self.orders)}
        self.gateway = self.components.start("gateway", env=env)
        return self.gateway

    @property
    def order_url(self):
        return (self.gateway or self.orders[0]).url

    @property
    def catalog_url(self):
        return (self.gateway or self.catalog).url

    @property
    def auth_url(self):
        return (self.gateway or self.auth).url

    # ------------------------------------------------------------------------------------ users, books

    def login(self, email, password):
        response = requests.post(self.auth_url + "/auth/login", json={"email": email, "password": password}, timeout=15)
        assert response.status_code == 200, response.text
        data = response.json()
        return data["token"], data["user_id"], data["role"]

    def user(self, name):
        email = f"{name}-{secrets.token_hex(4)}@orders.test"
        response = requests.post(self.auth_url + "/auth/register",
                                 json={"name": name, "email": email, "password": PASSWORD}, timeout=15)
        assert response.status_code == 201, response.text
        token, user_id, role = self.login(email, PASSWORD)
        return User(name, user_id, token, role)

    def users(self, prefix, count, workers=8):
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda i: self.user(f"{prefix}{i}"), range(count)))

    def admin_user(self):
        if self.admin is None:
            token, user_id, role = self.login(ADMIN_EMAIL, ADMIN_PASSWORD)
            assert role == "admin"
            self.admin = User("admin", user_id, token, role)
        return self.admin

    def book(self, seller, title=None, price="10.00", stock=5):
        """A new book of `seller` (price as decimal text, sent as a JSON number)."""
        title = title or f"Book {secrets.token_hex(3)}"
        text = (f'{{"title": {json.dumps(title)}, "author": "Someone", "description": "", '
                f'"price": {Decimal(price)}, "stock": {int(stock)}}}')
        response = requests.post(self.catalog_url + "/books", data=text, timeout=15,
                                 headers={**seller.headers, "Content-Type": "application/json"})
        assert response.status_code == 201, response.text
        return body(response)

    def catalog_book(self, book_id):
        response = requests.get(f"{self.catalog_url}/books/{book_id}", timeout=15)
        assert response.status_code == 200, response.text
        return body(response)

    def stock(self, book_id):
        return self.catalog_book(book_id)["stock"]

    def delete_book(self, seller, book_id):
        response = requests.delete(f"{self.catalog_url}/books/{book_id}", headers=seller.headers, timeout=15)
        assert response.status_code == 200, response.text

    def wait_read_model(self, *book_ids):
        """Until orders' read model of books (fed by book.* events) holds every one of them."""
        ids = ", ".join(str(book_id) for book_id in book_ids)
        wait_for(lambda: self.orders_sql(f"SELECT COUNT(*) FROM books WHERE id IN ({ids})") == [[str(len(book_ids))]],
                 timeout=20, message=f"orders' read model has books {ids}")

    # ------------------------------------------------------------------------------------ orders

    def place(self, buyer, payload, key=None, timeout=60):
        headers = dict(buyer.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        return requests.post(self.order_url + "/orders", json=payload, headers=headers, timeout=timeout)

    def get_order(self, user, order_id):
        response = requests.get(f"{self.order_url}/orders/{order_id}", headers=user.headers, timeout=15)
        assert response.status_code == 200, response.text
        return body(response)

    def wait_status(self, user, order_id, status, timeout=30):
        def reached():
            order = self.get_order(user, order_id)
            return order if order["status"] == status else None

        return wait_for(reached, timeout=timeout, message=f"order {order_id} {status}")

    def pay(self, buyer, order_id, method="credit_card", key=None, **extra):
        headers = dict(buyer.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        return requests.post(f"{self.order_url}/orders/{order_id}/pay", json={"method": method, **extra},
                             headers=headers, timeout=15)

    def cancel(self, user, order_id):
        return requests.post(f"{self.order_url}/orders/{order_id}/cancel", headers=user.headers, timeout=15)

    # ------------------------------------------------------------------------------------ databases, bus

    def orders_sql(self, sql):
        return self.orders_db.query(sql)

    def catalog_sql(self, sql):
        return self.catalog_db.query(sql)

    def outbox(self, event_type):
        """(event id, body) of every event of that type orders wrote to its outbox, oldest first."""
        rows = self.orders_db.query(
            f"SELECT event_id, TO_BASE64(body) FROM bus_outbox WHERE type = '{event_type}' ORDER BY id")
        return [(event_id, base64.b64decode(encoded.replace("\\n", "")).decode()) for event_id, encoded in rows]

    def publish_raw(self, routing_key, message_id, payload):
        result = subprocess.run([str(self.tool), "publish-raw", routing_key, message_id, payload],
                                env={**os.environ, **self.amqp_env()}, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr

    def inbox_has(self, database, event_id):
        return database.scalar(f"SELECT COUNT(*) FROM bus_inbox WHERE event_id = '{event_id}'") == "1"

    # ------------------------------------------------------------------------------------ verify

    def run_verify(self, settle=0):
        """./bookstore verify against this test's databases: (exit code, output)."""
        env = {**os.environ, "BOOKSTORE_VERIFY_DB_PASSWORD": self.infra.db_password}
        result = subprocess.run(
            ["bash", str(ROOT / "scripts" / "verify.sh"), "--host", self.infra.db_host, "--port", str(self.infra.db_port),
             "--user", self.infra.db_user, "--auth-db", self.auth_db.name, "--catalog-db", self.catalog_db.name,
             "--orders-db", self.orders_db.name, "--settle", str(settle)],
            env=env, capture_output=True, text=True, timeout=120)
        return result.returncode, result.stdout + result.stderr

    def assert_verified(self, timeout=30):
        """Waits until verify reports no violation and nothing settling (events still in flight settle)."""
        last = {}

        def clean():
            code, output = self.run_verify()
            last["output"] = output
            return code == 0 and "settling " not in output

        try:
            wait_for(clean, timeout=timeout, interval=0.5, message="verify clean")
        except TimeoutError:
            pytest.fail("./bookstore verify reports:\n" + last.get("output", ""), pytrace=False)

    def cleanup(self):
        self.components.stop_all()
        subprocess.run([str(self.tool), "delete-topology"], env={**os.environ, **self.amqp_env()},
                       capture_output=True, timeout=60, check=False)


@pytest.fixture
def store(infra, components, fresh_database, output_dir):
    made = Store(infra, components, fresh_database, output_dir)
    yield made
    try:
        made.assert_verified()
    finally:
        made.cleanup()
