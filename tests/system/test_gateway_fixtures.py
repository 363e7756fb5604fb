"""Shared set-up of the gateway's system tests (the other test_gateway_*.py import it): auth and gateway
started as black boxes on a private AMQP name prefix, fake upstreams, an SSE reader, token helpers.

    from test_gateway_fixtures import stack  # noqa: F401  (the fixture)

    def test_something(stack):
        auth = stack.start_auth()
        gateway = stack.start_gateway(catalog=stack.start_fake("catalog"))
        token = stack.register_and_login(gateway, "alice")
"""

import base64
import hashlib
import hmac
import json
import os
import queue
import secrets
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import requests

from support import binary_for

ADMIN_EMAIL = "admin@bookstore.test"
ADMIN_PASSWORD = "Admin-Passw0rd-For-Tests"
PASSWORD = "correct horse battery staple"
ISSUER = "bookstore-auth"
AUDIENCE = "bookstore"


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_parts(token):
    header, payload, signature = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)), signature


def make_token(header, payload, signature=""):
    return f"{b64url(json.dumps(header))}.{b64url(json.dumps(payload))}.{signature}"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def problem(response):
    """The problem+json body of an error response (asserting that it is one)."""
    assert response.headers.get("Content-Type", "").startswith("application/problem+json"), response.text
    body = response.json()
    assert body["status"] == response.status_code
    return body


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


class EventStream:
    """A GET /events stream read on a thread of its own: events and comments land in queues."""

    def __init__(self, url, headers=None):
        self.events = queue.Queue()
        self.comments = queue.Queue()
        self.ended = threading.Event()
        self.response = requests.get(url, headers=headers, stream=True, timeout=(5, 120))
        self.status_code = self.response.status_code
        if self.status_code == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.ended.set()

    def _read(self):
        fields = {}
        pending = b""
        try:
            # Each SSE write of the gateway is one HTTP chunk: read them as they come.
            for chunk in self.response.iter_content(chunk_size=None):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for raw in lines:
                    fields = self._line(raw.decode("utf-8"), fields)
        except (requests.RequestException, ValueError, OSError, AttributeError):
            pass  # closed by the test (AttributeError: urllib3 reading from a response closed meanwhile)
        finally:
            self.ended.set()

    def _line(self, line, fields):
        if line.startswith(":"):
            self.comments.put(line[1:].strip())
        elif line == "":
            if fields:
                data = fields.get("data")
                self.events.put({"event": fields.get("event"), "id": fields.get("id"),
                                 "data": json.loads(data) if data else None})
            return {}
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            fields[name] = fields[name] + "\n" + value if name in fields else value
        return fields

    def wait_comment(self, text, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no ': {text}' comment within {timeout}s")
            try:
                if self.comments.get(timeout=left) == text:
                    return
            except queue.Empty:
                continue

    def wait_event(self, predicate, timeout=15):
        """Returns (the matching event, every event received before it)."""
        before = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no matching event within {timeout}s; got {before}")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if predicate(event):
                return event, before
            before.append(event)

    def close(self):
        self.response.close()


class Stack:
    """Auth, gateways and fakes of one test, sharing a private AMQP name prefix and JWT keys."""

    def __init__(self, infra, components, fresh_database, output_dir):
        self.infra = infra
        self.components = components
        self.fresh_database = fresh_database
        self.output_dir = output_dir
        self.prefix = f"gw{secrets.token_hex(4)}."
        self.keys_file = output_dir / "jwt_keys"
        self.keys_file.write_text(f"k1 {b64url(os.urandom(32))}\n")
        self.foreign_keys_file = output_dir / "foreign_jwt_keys"
        self.foreign_keys_file.write_text(f"intruder {b64url(os.urandom(32))}\n")
        self.database = None
        self.tool = binary_for("gateway", None).parent / "gateway-test-tool"
        self.fake_script = output_dir / "fake_upstream.py"
        self.fake_script.write_text(FAKE_UPSTREAM)

    # ------------------------------------------------------------------------------------ components

    def amqp_env(self):
        return {"AMQP_URL": self.infra.amqp_url, "AMQP_NAME_PREFIX": self.prefix}

    def start_auth(self, **env):
        if self.database is None:
            self.database = self.fresh_database("gwauth")
        settings = {**self.database.env(), **self.amqp_env(), "JWT_KEYS_FILE": str(self.keys_file),
                    "JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE, "ADMIN_EMAIL": ADMIN_EMAIL,
                    "ADMIN_PASSWORD": ADMIN_PASSWORD, **env}
        return self.components.start("auth", env=settings)

    def start_fake(self, name, **env):
        return self.components.start(f"fake-{name}", command=[sys.executable, str(self.fake_script), "{port}", name],
                                     env=env, ready_timeout=15)

    def start_gateway(self, auth=(), catalog=(), orders=(), wait=True, **env):
        def urls(replicas):
            if isinstance(replicas, str):
                return replicas
            if not isinstance(replicas, (list, tuple)):
                replicas = [replicas]
            return ",".join(r.url for r in replicas)

        settings = {**self.amqp_env(), "AUTH_URLS": urls(auth), "CATALOG_URLS": urls(catalog),
                    "ORDERS_URLS": urls(orders), "JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE, **env}
        gateway = self.components.new("gateway", env=settings)
        return gateway.start(ready_timeout=30, wait=wait)

    # ------------------------------------------------------------------------------------ users

    def register(self, gateway, name, email=None, password=PASSWORD, headers=None):
        email = email or f"{name}-{secrets.token_hex(3)}@bookstore.test"
        response = requests.post(gateway.url + "/auth/register", json={"name": name, "email": email,
                                                                        "password": password},
                                 headers=headers, timeout=10)
        return response, email

    def login(self, gateway, email, password=PASSWORD, headers=None):
        return requests.post(gateway.url + "/auth/login", json={"email": email, "password": password},
                             headers=headers, timeout=10)

    def register_and_login(self, gateway, name):
        """(token, user_id, email) of a new user."""
        response, email = self.register(gateway, name)
        assert response.status_code == 201, response.text
        login = self.login(gateway, email)
        assert login.status_code == 200, login.text
        body = login.json()
        return body["token"], body["user_id"], email

    def admin_token(self, gateway):
        login = self.login(gateway, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert login.status_code == 200, login.text
        return login.json()["token"]

    # ------------------------------------------------------------------------------------ tools

    def run_tool(self, *args):
        result = subprocess.run([str(self.tool), *args], env={**os.environ, **self.amqp_env()},
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def publish(self, event_type, data, count=1):
        """Publishes an event as a service would (count > 1: that many, with data.seq 0, 1, ...); returns
        the event id(s)."""
        return self.run_tool("publish", event_type, json.dumps(data), str(count))

    def sign(self, foreign_key=False, **claims):
        """A token signed with the test's key (or a key auth does not have), with these claims on top of
        valid ones for user 1."""
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": "1", "name": "Forged", "role": "user",
                   "iat": now, "exp": now + 3600, "jti": secrets.token_urlsafe(16), **claims}
        keys = self.foreign_keys_file if foreign_key else self.keys_file
        return self.run_tool("sign", str(keys), json.dumps(payload))

    def cleanup(self):
        self.components.stop_all()
        subprocess.run([str(self.tool), "delete-topology"], env={**os.environ, **self.amqp_env()},
                       capture_output=True, timeout=60, check=False)


@pytest.fixture
def stack(infra, components, fresh_database, output_dir):
    made = Stack(infra, components, fresh_database, output_dir)
    yield made
    made.cleanup()


def hs256_with_public_key(token, jwks):
    """The classic algorithm-confusion forgery: the same claims, alg HS256, HMAC keyed with auth's public
    key (as raw bytes)."""
    header, payload, _ = token_parts(token)
    header = {**header, "alg": "HS256"}
    public_key = b64url_decode(jwks["keys"][0]["x"])
    signing_input = f"{b64url(json.dumps(header))}.{b64url(json.dumps(payload))}".encode()
    signature = hmac.new(public_key, signing_input, hashlib.sha256).digest()
    return signing_input.decode() + "." + b64url(signature)
