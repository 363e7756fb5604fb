"""The small helpers every system test shares: the test constants, problem+json and exact JSON bodies,
bearer headers, JWT pieces and key files, a client of the store's HTTP API (auth routes included), and
the C++ test tools (token signing, publishing on the bus).

    from support.api import ADMIN_EMAIL, Client, bearer, exact_json, problem

    alice = Client(gateway).new_user("Alice")           # registered and logged in: a User
    response = Client(gateway).request("GET", "/books", alice)
    assert problem(response)["status"] == 404            # asserts it is problem+json
"""

import base64
import json
import os
import re
import secrets
import subprocess
import time
from decimal import Decimal

import requests

from .component import binary_for

ISSUER = "bookstore-auth"  # JWT_ISSUER and JWT_AUDIENCE every stack sets (they are the defaults too)
AUDIENCE = "bookstore"
PASSWORD = "correct horse battery staple"  # of every user a test registers, unless it says otherwise
ADMIN_EMAIL = "admin@bookstore.test"  # the admin auth creates at start-up when asked to (start_auth(admin=True))
ADMIN_PASSWORD = "Admin-Passw0rd-For-Tests"
TIMEOUT = 20  # seconds, for every request a helper sends


# ---------------------------------------------------------------------------------------- bodies


def problem(response):
    """The problem+json body of an error response (asserting that it is one)."""
    assert response.headers.get("Content-Type", "").startswith("application/problem+json"), response.text
    body = response.json()
    assert body["status"] == response.status_code
    return body


def exact_json(response):
    """The JSON body with every non-integer number as a Decimal, exactly as written."""
    return json.loads(response.text, parse_float=Decimal)


def money(value):
    """An amount from a JSON body as an exact Decimal with two places."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def json_text(value):
    """JSON text of value in which a Decimal is written as the number it holds, digit for digit (json.dumps
    cannot): {"price": Decimal("12.50")} gives {"price": 12.50}."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(key))}: {json_text(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(json_text(item) for item in value) + "]"
    return json.dumps(value)


# --------------------------------------------------------------------------------- tokens and keys


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_parts(token):
    """(header, claims, signature) of a JWT, the first two decoded."""
    header, payload, signature = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)), signature


def make_token(header, payload, signature=""):
    return f"{b64url(json.dumps(header))}.{b64url(json.dumps(payload))}.{signature}"


def key_line(kid="k1"):
    """A JWT_KEYS line: `<kid> <base64url of a random 32-byte Ed25519 seed>`."""
    return f"{kid} {b64url(os.urandom(32))}"


def write_keys(path, lines):
    """A JWT_KEYS_FILE holding these lines (the last one signs), readable by its owner only."""
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


# ------------------------------------------------------------------------------------------ users


class User:
    """A caller: a token, and who it says it is."""

    def __init__(self, token, user_id, name=None, role="user", email=None):
        self.token = token
        self.id = user_id
        self.name = name
        self.role = role
        self.email = email

    @property
    def headers(self):
        return bearer(self.token) if self.token else {}

    def __repr__(self):
        return f"<User {self.id} {self.name!r} {self.role}>"


ANONYMOUS = User(None, None)


def new_email(name="user"):
    """An email nobody has registered yet, recognisably the named user's."""
    local = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "user"
    return f"{local}-{secrets.token_hex(4)}@bookstore.test"


class Client:
    """Calls on one HTTP server of the store: a component (a Component or its URL), or a gateway in front
    of them. request() adds the user's bearer token; the auth calls answer as auth does (or through the
    gateway, as the gateway does)."""

    def __init__(self, target):
        self.url = target if isinstance(target, str) else target.url

    def request(self, method, path, user=None, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if user is not None:
            headers.update(user.headers)
        kwargs.setdefault("timeout", TIMEOUT)
        return requests.request(method, self.url + path, headers=headers, **kwargs)

    def get(self, path, user=None, **kwargs):
        return self.request("GET", path, user, **kwargs)

    def post(self, path, body=None, user=None, **kwargs):
        if body is not None:
            kwargs["json"] = body
        return self.request("POST", path, user, **kwargs)

    # ------------------------------------------------------------------------------- auth routes

    def register(self, name, email=None, password=PASSWORD, headers=None):
        return self.post("/auth/register", {"name": name, "email": email or new_email(name), "password": password},
                         headers=headers)

    def login(self, email, password=PASSWORD, headers=None):
        return self.post("/auth/login", {"email": email, "password": password}, headers=headers)

    def token(self, email, password=PASSWORD):
        response = self.login(email, password)
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def me(self, token):
        return self.get("/auth/me", headers=bearer(token))

    def logout(self, token):
        return self.post("/auth/logout", headers=bearer(token))

    def new_user(self, name=None, email=None, password=PASSWORD):
        """A user registered and logged in."""
        name = name or f"User {secrets.token_hex(3)}"
        email = email or new_email(name)
        registered = self.register(name, email, password)
        assert registered.status_code == 201, registered.text
        login = self.login(email, password)
        assert login.status_code == 200, login.text
        body = login.json()
        return User(body["token"], body["user_id"], name, body["role"], email)

    def admin(self):
        """The admin auth created at start-up (ADMIN_EMAIL), logged in."""
        login = self.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        assert login.status_code == 200, login.text
        body = login.json()
        assert body["role"] == "admin"
        return User(body["token"], body["user_id"], "admin", "admin", ADMIN_EMAIL)


# -------------------------------------------------------------------------------------- test tools


class Tools:
    """The C++ helpers built next to the services, for what Python cannot do alone (Ed25519 signatures,
    publishing exactly as the bus library does), each acting on one stack's topology (its AMQP_URL and
    AMQP_NAME_PREFIX): bookstore-test-tool, tests/tools/test_tool.cpp."""

    def __init__(self, amqp_env, bin_dir=None):
        self.env = {**os.environ, **amqp_env}
        self.bin_dir = bin_dir

    def _path(self):
        # Built next to the services: <build>/services/<name>/..., <build>/tests/tools/bookstore-test-tool.
        return binary_for("auth", self.bin_dir).parents[2] / "tests" / "tools" / "bookstore-test-tool"

    def run(self, *args):
        """Runs bookstore-test-tool; its output, asserting that it succeeded."""
        result = subprocess.run([str(self._path()), *args], env=self.env, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def sign(self, keys_file, **claims):
        """A token signed with the active key of keys_file: valid claims for user 1 (issued now, for an
        hour), with these on top (sub as text, iat/exp in Unix seconds)."""
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": "1", "name": "Forged", "role": "user", "iat": now,
                   "exp": now + 3600, "jti": secrets.token_urlsafe(16), **claims}
        return self.run("sign", str(keys_file), json.dumps(payload))

    def publish(self, event_type, data, event_id=None):
        """Publishes a CloudEvent as its producer would (confirmed); returns its id. The same event_id
        twice is a redelivery."""
        return self.run("publish", event_type, json.dumps(data), *(["--id", event_id] if event_id else []))

    def publish_many(self, event_type, data, count):
        """Publishes `count` events whose data also holds "seq" (0, 1, ...); returns their ids, one a line."""
        return self.run("publish", event_type, json.dumps(data), "--count", str(count))

    def publish_raw(self, routing_key, message_id, body):
        """Publishes the bytes as they are, with that message id (e.g. an event a second time)."""
        return self.run("publish-raw", routing_key, message_id, body)

    def delete_topology(self):
        """Deletes the exchanges and queues of the prefix (at the end of a stack); never fails."""
        subprocess.run([str(self._path()), "delete-topology"], env=self.env, capture_output=True,
                       timeout=60, check=False)
