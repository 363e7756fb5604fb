"""One way to start a store for a test: Stack starts auth, catalog, orders, gateway and web replicas (and
fake upstreams) as black boxes that share one private AMQP name prefix, one JWT key file, one database
per service and one web session key, and talks to them: users, books, orders, events, ./bookstore verify.

    stack = Stack(infra, log_dir)           # the fixtures `stack`, `module_stack` and `store` make these
    stack.start_store(gateway=True)         # auth (with the admin), catalog, orders, a gateway as entry
    alice = stack.registered_user("Alice")  # through the entry: the gateway once it is one, else auth
    book = stack.create_book(alice, price=Decimal("12.50"), stock=3)
    response = stack.place(alice, {"book_id": book["id"], "quantity": 1})
    stack.close()                           # stops everything, deletes the topology, drops the databases

Tests that need a component set up their own way start it with start_<service>(**settings) (settings on
top of the stack's; None removes one) or make it with new(service, **settings) and start it themselves.
"""

import base64
import concurrent.futures
import os
import pathlib
import secrets
import subprocess
import sys
import textwrap

import pytest

from .api import (ADMIN_EMAIL, ADMIN_PASSWORD, AUDIENCE, ISSUER, Client, Tools, User, exact_json, json_text,
                  key_line, write_keys)
from .component import Components
from .database import create_database, drop_database
from .events import EventLog
from .wait import wait_for

ROOT = pathlib.Path(__file__).resolve().parents[3]
SERVICES = ("auth", "catalog", "orders", "gateway", "web")
WITH_DATABASE = ("auth", "catalog", "orders")
ON_THE_BUS = ("auth", "catalog", "orders", "gateway")
# The public routes (the gateway's, docs/design.md §2): path prefix -> the service serving it.
ROUTES = (("/auth/", "auth"), ("/users", "auth"), ("/.well-known/", "auth"), ("/books", "catalog"),
          ("/orders", "orders"), ("/delivery-providers", "orders"))

# A stand-in upstream: answers every request with what it received, so tests can see what the gateway
# forwarded. .../slow/<seconds> sleeps first; .../status/<code> answers with that status; FAKE_STATUS in the
# environment makes every answer use that status.
FAKE_UPSTREAM = textwrap.dedent('''
    import json, os, sys, time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    NAME = sys.argv[2]
    STATUS = int(os.environ.get("FAKE_STATUS", "200"))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            status = STATUS
            if self.path == "/readyz":
                status = 200
            elif "/slow/" in self.path:
                time.sleep(float(self.path.rsplit("/", 1)[1]))
            elif "/status/" in self.path:
                status = int(self.path.rsplit("/", 1)[1])
            payload = json.dumps({"server": NAME, "method": self.command, "path": self.path,
                                  "headers": {k.lower(): v for k, v in self.headers.items()},
                                  "body": body}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer

        def log_message(self, *args):
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
''')


def urls(replicas):
    """A *_URLS setting: a URL as it is, or the URLs of a component or a list of them ([] or "": none)."""
    if isinstance(replicas, str):
        return replicas
    if not isinstance(replicas, (list, tuple)):
        replicas = [replicas]
    return ",".join(replica.url for replica in replicas)


# Tests place many orders as one user and leave them unpaid; the per-user limits of orders
# (domain/order_limits.h) have tests of their own (test_orders_limits.py), which set them.
ORDERS_WITHOUT_LIMITS = {"ORDER_MAX_UNPAID_ORDERS": 1_000_000, "ORDER_MAX_UNPAID_COPIES": 1_000_000,
                         "ORDER_RATE_LIMIT": 1_000_000_000}


class Stack:
    """The components of one test (or one test module) and what they share. Nothing runs until a start_*
    call; databases are made when a service first needs one."""

    def __init__(self, infra, log_dir, ready_timeout=60):
        self.infra = infra
        self.log_dir = pathlib.Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.ready_timeout = ready_timeout
        # Isolates this stack's exchanges and queues on the shared broker (libs/bus AMQP_NAME_PREFIX).
        self.prefix = f"t{secrets.token_hex(4)}."
        self.keys_file = write_keys(self.log_dir / "jwt_keys", [key_line("k1")])
        self.foreign_keys_file = write_keys(self.log_dir / "foreign_jwt_keys", [key_line("intruder")])
        self.session_key = secrets.token_hex(32)  # WEB_SESSION_KEY of every web replica
        self.tools = Tools(self.amqp_env())
        self.replicas = {service: [] for service in SERVICES}
        self.components = Components(self.log_dir)  # everything made, fakes included
        self.databases = {}
        self.entry = None  # the gateway that public calls go through (start_gateway(entry=True))
        self._logs = {}
        # What catalog publishes for the saga and the read models, kept from the moment the stack is
        # made, whether or not an orders service consumes orders.events: tests read it as stack.events.
        self._logs["events"] = EventLog.tap(infra.amqp_url, self.prefix + "bookstore.events",
                                            self.prefix + "test.events",
                                            ["book.*", "order.stock_reserved", "order.stock_rejected"])
        self._fake_script = None
        self._admin = None

    # ------------------------------------------------------------------------------------ settings

    def amqp_env(self):
        return {**self.infra.amqp_env(), "AMQP_NAME_PREFIX": self.prefix}

    def database(self, service):
        """The service's database (made on first use, dropped by close())."""
        if service not in self.databases:
            self.databases[service] = create_database(self.infra, service)
        return self.databases[service]

    def env(self, service, **settings):
        """What `service` is started with: its database, the bus, the shared keys, its upstreams (the
        replicas made so far), then `settings` on top; a setting given as None is left out."""
        env = {}
        if service in WITH_DATABASE:
            env.update(self.database(service).env())
        if service in ON_THE_BUS:
            env.update(self.amqp_env())
            env.update({"JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE})
        if service == "auth":
            env["JWT_KEYS_FILE"] = str(self.keys_file)
        if service in ("catalog", "orders") and self.auth:
            env["AUTH_URL"] = self.auth.url
        if service == "gateway":
            env.update({"AUTH_URLS": urls(self.replicas["auth"]), "CATALOG_URLS": urls(self.replicas["catalog"]),
                        "ORDERS_URLS": urls(self.replicas["orders"])})
        if service == "web":
            env.update({"GATEWAY_URLS": urls(self.replicas["gateway"]), "WEB_SESSION_KEY": self.session_key})
        if service == "orders":
            env.update(ORDERS_WITHOUT_LIMITS)
        env.update(settings)
        return {key: str(value) for key, value in env.items() if value is not None}

    # ---------------------------------------------------------------------------------- components

    def new(self, service, **settings):
        """A replica of `service` with the stack's settings, not started yet (stopped by close())."""
        component = self.components.new(service, self.env(service, **settings))
        self.replicas[service].append(component)
        return component

    def start(self, service, **settings):
        """A replica of `service`, started and ready."""
        return self.new(service, **settings).start(ready_timeout=self.ready_timeout)

    def start_auth(self, admin=False, **settings):
        """An auth replica; with admin, auth creates the admin (ADMIN_EMAIL) at start-up."""
        if admin:
            settings = {"ADMIN_EMAIL": ADMIN_EMAIL, "ADMIN_PASSWORD": ADMIN_PASSWORD, **settings}
        return self.start("auth", **settings)

    def start_catalog(self, **settings):
        return self.start("catalog", **settings)

    def start_orders(self, **settings):
        return self.start("orders", **settings)

    def start_gateway(self, auth=None, catalog=None, orders=None, wait=True, entry=False, **settings):
        """A gateway in front of `auth`, `catalog` and `orders` (each a component, a list of them, a URL,
        or [] for none; by default every replica of that service made so far). With entry, the stack's
        own calls (users, books, orders) go through it from then on."""
        upstreams = {"AUTH_URLS": auth, "CATALOG_URLS": catalog, "ORDERS_URLS": orders}
        settings = {**{key: urls(value) for key, value in upstreams.items() if value is not None}, **settings}
        gateway = self.new("gateway", **settings)
        gateway.start(ready_timeout=self.ready_timeout, wait=wait)
        if entry:
            self.entry = gateway
        return gateway

    def start_web(self, gateway=None, **settings):
        """A web replica in front of `gateway` (by default every gateway made so far)."""
        if gateway is not None:
            settings = {"GATEWAY_URLS": urls(gateway), **settings}
        return self.start("web", **settings)

    def start_fake(self, name, **env):
        """A stand-in upstream answering every request with what it received (see FAKE_UPSTREAM)."""
        if self._fake_script is None:
            self._fake_script = self.log_dir / "fake_upstream.py"
            self._fake_script.write_text(FAKE_UPSTREAM)
        return self.components.start(f"fake-{name}", env, ready_timeout=15,
                                     command=[sys.executable, str(self._fake_script), "{port}", name])

    def start_store(self, orders=1, gateway=False, catalog_env=None, **orders_env):
        """auth (with the admin), catalog, `orders` orders replicas (with orders_env) and, with gateway, a
        gateway in front of them all that becomes the entry."""
        self.start_auth(admin=True)
        self.start_catalog(**(catalog_env or {}))
        for _ in range(orders):
            self.start_orders(**orders_env)
        if gateway:
            self.start_gateway(entry=True)
        return self

    # The first replica of each service (None before one is made).
    auth = property(lambda self: self._first("auth"))
    catalog = property(lambda self: self._first("catalog"))
    orders = property(lambda self: self._first("orders"))
    gateway = property(lambda self: self._first("gateway"))
    web = property(lambda self: self._first("web"))

    def _first(self, service):
        return self.replicas[service][0] if self.replicas[service] else None

    def api(self, service):
        """A Client for the public API of `service`: the entry gateway, else its first replica."""
        target = self.entry or self._first(service)
        assert target is not None, f"no {service} in this stack"
        return Client(target)

    def request(self, method, path, user=None, service=None, **kwargs):
        """A call on the store's public API as `user` (None: anonymous), through the entry gateway, else to
        the service serving the path (as the gateway routes it), or to `service` (for /healthz and the like)."""
        if service is None:
            service = next((owner for prefix, owner in ROUTES if path.startswith(prefix)), None)
            assert service, f"which service serves {path}? name it: service=..."
        return self.api(service).request(method, path, user, **kwargs)

    def close(self):
        self.components.stop_all()
        for log in self._logs.values():
            log.close()
        self.tools.delete_topology()
        for database in self.databases.values():
            drop_database(database)

    # ----------------------------------------------------------------------------------------- users

    def registered_user(self, name=None):
        """A user registered with auth (so auth publishes user.registered), logged in."""
        return self.api("auth").new_user(name)

    def registered_users(self, *names, workers=8):
        """registered_user() of each name, in parallel."""
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            return list(pool.map(self.registered_user, names))

    def registered_admin(self):
        """The admin auth created at start-up, logged in."""
        if self._admin is None:
            self._admin = self.api("auth").admin()
        return self._admin

    def signed_user(self, name=None, role="user", user_id=None):
        """A user with a token signed with auth's key whom auth never heard of (no password hash, no
        user.registered); ids far above those auth hands out."""
        name = name or f"User {secrets.token_hex(3)}"
        user_id = user_id or 10_000_000 + secrets.randbelow(1_000_000_000)
        return User(self.sign(sub=str(user_id), name=name, role=role), user_id, name, role)

    def sign(self, foreign_key=False, **claims):
        """A token signed with auth's key (or, with foreign_key, a key auth does not have): valid claims for
        user 1, these on top."""
        return self.tools.sign(self.foreign_keys_file if foreign_key else self.keys_file, **claims)

    # ----------------------------------------------------------------------------------------- books

    def create_book(self, seller, **fields):
        """A new book of `seller`; a Decimal field is sent as that exact number."""
        body = {"title": f"Book {secrets.token_hex(3)}", "author": "Some Author", "description": "A used copy.",
                "price": 10, "stock": 1, **fields}
        response = self.request("POST", "/books", seller, data=json_text(body).encode(),
                                headers={"Content-Type": "application/json"})
        assert response.status_code == 201, response.text
        return exact_json(response)

    def get_book(self, book_id):
        response = self.request("GET", f"/books/{book_id}")
        assert response.status_code == 200, response.text
        return exact_json(response)

    def stock(self, book_id):
        return self.get_book(book_id)["stock"]

    def delete_book(self, seller, book_id):
        response = self.request("DELETE", f"/books/{book_id}", seller)
        assert response.status_code == 200, response.text

    def stock_audit(self):
        """Per live or deleted book: (id, stock, stock_supplied, quantity held by 'reserved' reservations)."""
        rows = self.database("catalog").query(
            "SELECT b.id, b.stock, b.stock_supplied, COALESCE(SUM(r.quantity), 0) FROM books b "
            "LEFT JOIN reservations r ON r.book_id = b.id AND r.status = 'reserved' GROUP BY b.id")
        return [tuple(int(value) for value in row) for row in rows]

    def assert_stock_invariant(self):
        for book_id, stock, supplied, reserved in self.stock_audit():
            assert stock >= 0, f"book {book_id}: negative stock {stock}"
            assert supplied == stock + reserved, f"book {book_id}: supplied {supplied} != {stock} + {reserved}"

    def wait_read_model(self, *book_ids):
        """Until orders' read model of books (fed by book.* events) holds every one of them."""
        ids = ", ".join(str(book_id) for book_id in book_ids)
        wait_for(lambda: self.database("orders").query(f"SELECT COUNT(*) FROM books WHERE id IN ({ids})")
                 == [[str(len(book_ids))]], timeout=20, message=f"orders' read model has books {ids}")

    # ---------------------------------------------------------------------------------------- orders

    def place(self, buyer, payload, key=None, timeout=60):
        headers = {"Idempotency-Key": key} if key is not None else {}
        return self.request("POST", "/orders", buyer, json=payload, headers=headers, timeout=timeout)

    def get_order(self, user, order_id):
        response = self.request("GET", f"/orders/{order_id}", user)
        assert response.status_code == 200, response.text
        return exact_json(response)

    def wait_status(self, user, order_id, status, timeout=30):
        def reached():
            order = self.get_order(user, order_id)
            return order if order["status"] == status else None

        return wait_for(reached, timeout=timeout, message=f"order {order_id} {status}")

    def pay(self, buyer, order_id, method="credit_card", key=None, **extra):
        headers = {"Idempotency-Key": key} if key is not None else {}
        return self.request("POST", f"/orders/{order_id}/pay", buyer, json={"method": method, **extra}, headers=headers)

    def cancel(self, user, order_id):
        return self.request("POST", f"/orders/{order_id}/cancel", user)

    # ------------------------------------------------------------------------------------------- bus

    def publish(self, event_type, data, event_id=None):
        """Publishes an event as its producer would; returns its id (the same event_id twice: a redelivery)."""
        return self.tools.publish(event_type, data, event_id)

    def publish_many(self, event_type, data, count):
        return self.tools.publish_many(event_type, data, count)

    def publish_raw(self, routing_key, message_id, body):
        return self.tools.publish_raw(routing_key, message_id, body)

    def event_log(self, queue):
        """The EventLog of a queue of this stack's topology (one per queue), e.g. the dead letters
        "<service>.events.dead"."""
        if queue not in self._logs:
            self._logs[queue] = EventLog(self.infra.amqp_url, self.prefix + queue)
        return self._logs[queue]

    @property
    def events(self):
        """Every book.*, order.stock_reserved and order.stock_rejected event since the stack was made."""
        return self._logs["events"]

    def bound_event_log(self, keys):
        """An EventLog of a private queue bound to these routing keys on this stack's exchange; closed by
        close()."""
        log = EventLog.bound(self.infra.amqp_url, self.prefix + "bookstore.events", keys)
        self._logs[log.queue] = log
        return log

    def outbox(self, service, event_type):
        """(event id, body) of every event of that type the service wrote to its outbox, oldest first."""
        rows = self.database(service).query(
            f"SELECT event_id, TO_BASE64(body) FROM bus_outbox WHERE type = '{event_type}' ORDER BY id")
        return [(event_id, base64.b64decode(encoded.replace("\\n", "")).decode()) for event_id, encoded in rows]

    def inbox_has(self, service, event_id):
        return self.database(service).scalar(f"SELECT COUNT(*) FROM bus_inbox WHERE event_id = '{event_id}'") == "1"

    # ---------------------------------------------------------------------------------------- verify

    def run_verify(self, settle=0):
        """./bookstore verify against this stack's databases: (exit code, output)."""
        env = {**os.environ, "BOOKSTORE_VERIFY_DB_PASSWORD": self.infra.db_password}
        result = subprocess.run(
            ["bash", str(ROOT / "scripts" / "verify.sh"), "--host", self.infra.db_host, "--port",
             str(self.infra.db_port), "--user", self.infra.db_user, "--auth-db", self.database("auth").name,
             "--catalog-db", self.database("catalog").name, "--orders-db", self.database("orders").name,
             "--settle", str(settle)],
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
