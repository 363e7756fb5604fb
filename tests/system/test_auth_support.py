"""Helpers shared by the auth system tests (test_auth_*.py): key files, starting auth with its own
database and an isolated bus topology, talking to it, and a test queue on its events exchange.
Holds no tests itself."""

import base64
import json
import os
import secrets

import pika
import pytest
import requests

from support import wait_for

SERVICE_QUEUES = ("catalog.events", "orders.events")


def key_line(kid):
    """A JWT_KEYS line: `<kid> <base64url of a random 32-byte Ed25519 seed>`."""
    seed = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    return f"{kid} {seed}"


def write_keys(path, lines):
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


def jwt_header(token):
    segment = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def jwt_payload(token):
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class AuthClient:
    """Calls on one auth process."""

    def __init__(self, component):
        self.component = component

    @property
    def url(self):
        return self.component.url

    def post(self, path, body=None, **kwargs):
        kwargs.setdefault("timeout", 10)
        if body is not None:
            kwargs["json"] = body
        return requests.post(self.url + path, **kwargs)

    def get(self, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return requests.get(self.url + path, **kwargs)

    def register(self, name, email, password="correct horse battery"):
        return self.post("/auth/register", {"name": name, "email": email, "password": password})

    def login(self, email, password="correct horse battery"):
        return self.post("/auth/login", {"email": email, "password": password})

    def token(self, email, password="correct horse battery"):
        response = self.login(email, password)
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def me(self, token):
        return self.get("/auth/me", headers=bearer(token))

    def logout(self, token):
        return self.post("/auth/logout", headers=bearer(token))


class AuthStack:
    """One auth database, key file and bus prefix; start() launches replicas sharing them."""

    def __init__(self, infra, components, database, key_file):
        self.infra = infra
        self.components = components
        self.database = database
        self.key_file = key_file
        # Isolates this test's exchanges and queues on the shared broker (libs/bus AMQP_NAME_PREFIX).
        self.prefix = f"t{secrets.token_hex(4)}."

    @property
    def exchange(self):
        return self.prefix + "bookstore.events"

    def env(self, **extra):
        env = {**self.database.env(), **self.infra.amqp_env(), "AMQP_NAME_PREFIX": self.prefix,
               "JWT_KEYS_FILE": str(self.key_file), "LOG_LEVEL": "debug"}
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def new(self, **extra):
        return self.components.new("auth", self.env(**extra))

    def start(self, **extra):
        return AuthClient(self.new(**extra).start(ready_timeout=60))

    def delete_topology(self):
        with BrokerConnection(self.infra.amqp_url) as channel:
            for queue in SERVICE_QUEUES:
                channel.queue_delete(self.prefix + queue)
                channel.queue_delete(self.prefix + queue + ".dead")
            channel.exchange_delete(self.prefix + "bookstore.events")
            channel.exchange_delete(self.prefix + "bookstore.dlx")


@pytest.fixture
def auth_stack(infra, components, fresh_database, tmp_path):
    database = fresh_database("auth")
    key_file = write_keys(tmp_path / "jwt_keys", [key_line("k1")])
    stack = AuthStack(infra, components, database, key_file)
    yield stack
    components.stop_all()
    stack.delete_topology()


class BrokerConnection:
    """A pika channel for the duration of a with-block."""

    def __init__(self, url):
        self.url = url
        self.connection = None

    def __enter__(self):
        self.connection = pika.BlockingConnection(pika.URLParameters(self.url))
        return self.connection.channel()

    def __exit__(self, *exc):
        self.connection.close()


class EventQueue:
    """A uniquely named, exclusive queue bound to the test's events exchange, read with basic_get."""

    def __init__(self, url, exchange, binding_keys):
        self.connection = pika.BlockingConnection(pika.URLParameters(url))
        self.channel = self.connection.channel()
        # Same arguments as libs/bus declares (topic, durable), so whoever comes first creates it.
        self.channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        self.queue = self.channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        for key in binding_keys:
            self.channel.queue_bind(self.queue, exchange, routing_key=key)
        self.received = []

    def _drain(self):
        while True:
            method, properties, body = self.channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                return
            self.received.append({"routing_key": method.routing_key, "message_id": properties.message_id,
                                  "content_type": properties.content_type, "event": json.loads(body)})

    def wait_for(self, predicate, timeout=15, message="event"):
        """The first received message matching predicate(message), waiting for it with a deadline."""
        def find():
            self._drain()
            return next((m for m in self.received if predicate(m)), None)
        return wait_for(find, timeout=timeout, interval=0.1, message=message)

    def matching(self, predicate):
        self._drain()
        return [m for m in self.received if predicate(m)]

    def close(self):
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - best effort at teardown
            pass
