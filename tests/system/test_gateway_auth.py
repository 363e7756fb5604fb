"""The gateway in front of the real auth service: every auth flow through it, tokens verified at the edge
(forgeries refused before any service sees them), revocations shared by every gateway replica, routing."""

import hashlib
import hmac
import json
import time

import requests

from support import wait_for
from support.api import (ADMIN_EMAIL, Client, b64url, b64url_decode, bearer, make_token, new_email, problem,
                         token_parts)


def hs256_with_public_key(token, jwks):
    """The classic algorithm-confusion forgery: the same claims, alg HS256, HMAC keyed with auth's public
    key (as raw bytes)."""
    header, payload, _ = token_parts(token)
    header = {**header, "alg": "HS256"}
    public_key = b64url_decode(jwks["keys"][0]["x"])
    signing_input = f"{b64url(json.dumps(header))}.{b64url(json.dumps(payload))}".encode()
    signature = hmac.new(public_key, signing_input, hashlib.sha256).digest()
    return signing_input.decode() + "." + b64url(signature)


def test_register_login_me_logout_through_the_gateway(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth)

    email = new_email("Alice")
    response = Client(gateway).register("Alice", email)
    assert response.status_code == 201, response.text
    registered = response.json()
    assert registered["email"] == email and registered["name"] == "Alice" and registered["user_id"] > 0

    again = Client(gateway).register("Alice", email)
    assert again.status_code == 409
    problem(again)

    login = Client(gateway).login(email)
    assert login.status_code == 200, login.text
    body = login.json()
    assert body["user_id"] == registered["user_id"] and body["role"] == "user" and body["expires_in"] > 0
    token = body["token"]

    wrong = Client(gateway).login(email, password="not the password")
    assert wrong.status_code == 401
    problem(wrong)

    me = requests.get(gateway.url + "/auth/me", headers=bearer(token), timeout=10)
    assert me.status_code == 200, me.text
    assert me.json()["email"] == email

    anonymous_me = requests.get(gateway.url + "/auth/me", timeout=10)
    assert anonymous_me.status_code == 401  # passed on anonymously; auth decides

    logout = requests.post(gateway.url + "/auth/logout", headers=bearer(token), timeout=10)
    assert logout.status_code == 204, logout.text
    # The gateway learns the revocation from auth's event; from then on it refuses the token itself.
    wait_for(lambda: requests.get(gateway.url + "/auth/me", headers=bearer(token), timeout=10).status_code == 401,
             timeout=15, message="logged-out token refused")


def test_users_is_for_admins_only(stack):
    auth = stack.start_auth(admin=True)
    gateway = stack.start_gateway(auth=auth)
    token = Client(gateway).new_user("Bob").token

    as_user = requests.get(gateway.url + "/users", headers=bearer(token), timeout=10)
    assert as_user.status_code == 403
    problem(as_user)
    assert requests.get(gateway.url + "/users", timeout=10).status_code == 401

    as_admin = requests.get(gateway.url + "/users", headers=bearer(Client(gateway).admin().token), timeout=10)
    assert as_admin.status_code == 200, as_admin.text
    assert ADMIN_EMAIL in {user["email"] for user in as_admin.json()}


def test_forged_tokens_are_refused_at_the_gateway(stack):
    auth = stack.start_auth()
    # The fake catalog accepts anything: a 401 can only come from the gateway.
    catalog = stack.start_fake("catalog")
    gateway = stack.start_gateway(auth=auth, catalog=catalog)
    carol = Client(gateway).new_user("Carol")
    token, user_id = carol.token, carol.id
    books = gateway.url + "/books"
    assert requests.get(books, headers=bearer(token), timeout=10).status_code == 200

    header, payload, signature = token_parts(token)
    jwks = requests.get(auth.url + "/.well-known/jwks.json", timeout=10).json()
    now = int(time.time())
    forgeries = {
        "alg none": make_token({"alg": "none", "typ": "JWT"}, payload),
        "alg none with the old signature": make_token({**header, "alg": "none"}, payload, signature),
        "HS256 keyed with the public key": hs256_with_public_key(token, jwks),
        "tampered payload (admin)": make_token(header, {**payload, "role": "admin"}, signature),
        "tampered payload (other user)": make_token(header, {**payload, "sub": str(user_id + 1)}, signature),
        "expired": stack.sign(sub=str(user_id), iat=now - 7200, exp=now - 3600),
        "wrong audience": stack.sign(sub=str(user_id), aud="someone-else"),
        "wrong issuer": stack.sign(sub=str(user_id), iss="evil-issuer"),
        "unknown kid": stack.sign(sub=str(user_id), foreign_key=True),
        "not a JWT": "abc.def",
        "garbage": "x" * 50,
    }
    for what, forged in forgeries.items():
        response = requests.get(books, headers=bearer(forged), timeout=10)
        assert response.status_code == 401, f"{what}: {response.status_code} {response.text}"
        assert problem(response)["status"] == 401
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), what

    # A token properly signed with auth's key (and valid claims) passes: the forgeries failed for their flaw.
    assert requests.get(books, headers=bearer(stack.sign(sub=str(user_id))), timeout=10).status_code == 200
    # A scheme other than Bearer is refused too, rather than forwarded.
    assert requests.get(books, headers={"Authorization": "Basic YTpi"}, timeout=10).status_code == 401


def test_identity_is_passed_on_unchanged(stack):
    auth = stack.start_auth()
    catalog = stack.start_fake("catalog")
    gateway = stack.start_gateway(auth=auth, catalog=catalog)
    token = Client(gateway).new_user("Dave").token

    seen = requests.get(gateway.url + "/books?q=x", headers={**bearer(token), "X-Request-ID": "trace-me-42"},
                        timeout=10)
    assert seen.status_code == 200
    echoed = seen.json()
    assert echoed["headers"]["authorization"] == f"Bearer {token}"  # services verify it themselves
    assert echoed["headers"]["x-request-id"] == "trace-me-42"
    assert echoed["path"] == "/books?q=x"
    assert seen.headers["X-Request-ID"] == "trace-me-42"

    generated = requests.get(gateway.url + "/books", timeout=10)
    assert generated.json()["headers"]["x-request-id"] == generated.headers["X-Request-ID"]

    line = wait_for(lambda: next((l for l in gateway.log_text().splitlines() if "trace-me-42" in l), None),
                    timeout=10, message="access log line")
    for field in ('"method":"GET"', '"path":"/books"', '"status":200', '"upstream":"127.0.0.1:',
                  '"client_ip":"127.0.0.1"', '"duration_ms"'):
        assert field in line, (field, line)


def test_logout_through_one_replica_is_refused_by_another(stack):
    auth = stack.start_auth()
    catalog = stack.start_fake("catalog")
    first = stack.start_gateway(auth=auth, catalog=catalog)
    second = stack.start_gateway(auth=auth, catalog=catalog)
    token = Client(first).new_user("Erin").token
    assert requests.get(second.url + "/books", headers=bearer(token), timeout=10).status_code == 200

    assert requests.post(first.url + "/auth/logout", headers=bearer(token), timeout=10).status_code == 204

    # The fake catalog would accept the token: the second replica refuses it itself, from the event.
    wait_for(lambda: requests.get(second.url + "/books", headers=bearer(token), timeout=10).status_code == 401,
             timeout=15, message="second replica refuses the logged-out token")
    # A replica started later learns it from auth's list of revocations at start-up.
    third = stack.start_gateway(auth=auth, catalog=catalog)
    assert requests.get(third.url + "/books", headers=bearer(token), timeout=10).status_code == 401


def test_routing_covers_the_public_api_only(stack):
    auth = stack.start_auth()
    catalog = stack.start_fake("catalog")
    orders = stack.start_fake("orders")
    gateway = stack.start_gateway(auth=auth, catalog=catalog, orders=orders)

    def server_of(method, path):
        response = requests.request(method, gateway.url + path, timeout=10)
        assert response.status_code == 200, (method, path, response.status_code, response.text)
        return response.json()["server"]

    assert server_of("GET", "/books") == "catalog"
    assert server_of("GET", "/books/42") == "catalog"
    assert server_of("PUT", "/books/42") == "catalog"
    assert server_of("DELETE", "/books/42") == "catalog"
    assert server_of("POST", "/orders") == "orders"
    assert server_of("POST", "/orders/7/pay") == "orders"
    assert server_of("GET", "/delivery-providers") == "orders"

    for path in ("/internal/revocations", "/internal/anything", "/nowhere", "/booksx", "/"):
        response = requests.get(gateway.url + path, timeout=10)
        assert response.status_code == 404, path
        problem(response)
    assert requests.get(auth.url + "/internal/revocations", timeout=10).status_code == 200  # it exists...
    # ...but only inside the network.


def test_unconfigured_service_answers_503(stack):
    auth = stack.start_auth(admin=True)
    gateway = stack.start_gateway(auth=auth)  # no CATALOG_URLS, no ORDERS_URLS
    for path in ("/books", "/books/1", "/orders", "/delivery-providers"):
        response = requests.get(gateway.url + path, timeout=10)
        assert response.status_code == 503, path
        assert "not configured" in problem(response)["detail"]
    assert Client(gateway).login(ADMIN_EMAIL, "x").status_code == 401  # auth itself still works


def test_not_ready_until_every_configured_service_has_an_address(stack):
    """A fresh swarm puts tasks in DNS a moment after the gateway starts: until each configured service
    has resolved once, the gateway says it is not ready (it would answer "no replicas")."""
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth, catalog="http://bookstore-catalog.invalid:5002", wait=False)
    wait_for(lambda: gateway.get("/healthz").status_code == 200, timeout=30, message="gateway listening")
    ready = requests.get(gateway.admin_url + "/readyz", timeout=10)
    assert ready.status_code == 503, ready.text
    assert ready.json()["checks"]["upstreams"] != "ok"
    assert gateway.get("/readyz").status_code == 503


def test_metrics_and_health(stack):
    auth = stack.start_auth()
    catalog = stack.start_fake("catalog")
    gateway = stack.start_gateway(auth=auth, catalog=catalog)
    assert requests.get(gateway.url + "/books", timeout=10).status_code == 200
    assert gateway.get("/healthz").json() == {"status": "ok"}
    ready = requests.get(gateway.admin_url + "/readyz", timeout=10).json()
    assert ready["status"] == "ready"
    assert set(ready["checks"]) == {"upstreams", "auth_keys", "revocations", "broker"}
    metrics = gateway.metrics()
    assert f'upstream_requests_total{{cluster="catalog",replica="127.0.0.1:{catalog.port}",result="success"}}' \
        in metrics
    assert 'upstream_replicas{cluster="catalog",state="available"} 1' in metrics
