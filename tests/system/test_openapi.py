"""docs/openapi.yaml against the routes that exist (issue 16).

The gateway routes whole prefixes (services/gateway/filters/router/router.cpp: "/books", "/books/{path...}",
...) and has no listing of what lies behind them, so the concrete routes are read from the source: the
gateway's table, its own endpoints (GET /events, the public /healthz and /readyz of libs/http) and the
handlers' registrations of auth, catalog and orders; a service route is public when a gateway pattern
covers it. A parser that stops finding routes fails rather than passing with nothing to compare.

The running gateway then confirms, for every documented path, the methods it really has: a PATCH (no
public route has one, and the gateway forwards it) is answered 405 with Allow listing the path's methods,
by the service behind the path or by the gateway itself. That catches what the source reading could miss
(a route registered some other way) and checks the binaries that were built, not just the text.

Every response of these tests is also validated against the document (support/openapi.py, installed
by conftest.py), and so is every other system test's.
"""

import re
import subprocess
import sys

import pytest
import requests
from jsonschema import Draft202012Validator

from support import openapi
from support.api import Client

ROOT = openapi.ROOT
SERVICES = ("auth", "catalog", "orders")
REGISTRATION = re.compile(r'\.\s*(Get|Post|Put|Delete|Patch)\(\s*"(/[^"]*)"')
HANDLE = re.compile(r'\bHandle\(\s*(?:http::)?Verb::(\w+?)_?\s*,\s*"(/[^"]*)"')
GATEWAY_TABLE = re.compile(r'\{\s*"(/[^"]*)"\s*,\s*clusters\.(\w+)\s*\}')
BUILTIN = re.compile(r'router\.Add\(\s*Verb::(\w+)\s*,\s*"(/[^"]*)"')


def registrations(folder):
    """{(METHOD, pattern)} registered in the .cpp files under folder (tests excluded)."""
    found = set()
    for path in sorted((ROOT / folder).rglob("*.cpp")):
        if "tests" in path.relative_to(ROOT / folder).parts:
            continue
        text = path.read_text(encoding="utf-8")
        found |= {(method.upper(), pattern) for method, pattern in REGISTRATION.findall(text)}
        found |= {(method.upper(), pattern) for method, pattern in HANDLE.findall(text)}
    return found


def gateway_table():
    """[(pattern, cluster)] of the gateway's proxy routes."""
    text = (ROOT / "services/gateway/filters/router/router.cpp").read_text(encoding="utf-8")
    table = GATEWAY_TABLE.findall(text)
    assert table, "no route found in router.cpp's table: has its form changed? update GATEWAY_TABLE"
    return table


def covers(gateway_pattern, path):
    """Whether a gateway pattern routes path (a service pattern such as /books/{id})."""
    if gateway_pattern.endswith("/{path...}"):
        return path.startswith(gateway_pattern[: -len("{path...}")])
    return path == gateway_pattern


def public_routes_in_code():
    """{(METHOD, path)} the gateway serves, read from the source."""
    table = gateway_table()
    routes = set()
    for service in SERVICES:
        registered = registrations(f"services/{service}")
        assert registered, f"no route found in services/{service}: has the registration form changed?"
        routes |= {(method, path) for method, path in registered
                   if any(cluster == service and covers(pattern, path) for pattern, cluster in table)}
    own = registrations("services/gateway")
    assert ("GET", "/events") in own, "GET /events not found in services/gateway"
    routes |= own
    server = (ROOT / "libs/http/src/server.cpp").read_text(encoding="utf-8")
    # The public port's built-ins (with an admin port, /metrics moves there: the gateway always has one).
    builtins = {(method.upper(), path) for method, path in BUILTIN.findall(server)}
    assert {("GET", "/healthz"), ("GET", "/readyz")} <= builtins, "libs/http's built-in routes not found"
    routes |= {route for route in builtins if route[1] in ("/healthz", "/readyz")}
    return routes


def documented():
    return openapi.document().operations()


def test_every_route_in_code_is_documented_and_nothing_else():
    code, document = public_routes_in_code(), documented()
    missing = sorted(code - document)
    extra = sorted(document - code)
    assert not missing, f"routes the gateway serves that docs/openapi.yaml lacks: {missing}"
    assert not extra, f"operations in docs/openapi.yaml that no route serves: {extra}"


def test_every_gateway_route_leads_to_a_documented_operation():
    """Each pattern of router.cpp has documented operations under it. A catch-all "/x/{path...}" whose
    service has nothing under /x/ (/users/{path...}, /delivery-providers/{path...}: the service answers
    404 there) counts as documented through "/x" itself."""
    paths = {path for _, path in documented()}
    for pattern, cluster in gateway_table():
        base = pattern[: -len("/{path...}")] if pattern.endswith("/{path...}") else None
        assert any(covers(pattern, path) for path in paths) or base in paths, \
            f"router.cpp routes {pattern} to {cluster}, but no documented path is under it"


def test_document_is_consistent():
    """Every schema is a valid 2020-12 schema, every example of a body conforms to its schema, every
    operation has an example and declares the failures every route has."""
    spec = openapi.document()
    for name, schema in spec.document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
    for path, item in spec.document["paths"].items():
        for method, operation in item.items():
            if method not in openapi.METHODS:
                continue
            where = f"{method.upper()} {path}"
            examples = 0
            for status, response in operation["responses"].items():
                for media_type, content in (spec.resolve(response).get("content") or {}).items():
                    if "example" not in content:
                        continue
                    examples += status.startswith("2")
                    if media_type in openapi.JSON_TYPES and "schema" in content:
                        problem = spec.schema_errors(content["schema"], content["example"])
                        assert problem is None, f"{where} {status} example: {problem}"
            for media_type, content in (operation.get("requestBody", {}).get("content") or {}).items():
                assert "example" in content, f"{where}: the request body has no example"
                problem = spec.schema_errors(content["schema"], content["example"])
                assert problem is None, f"{where} request example: {problem}"
            assert examples or "204" in operation["responses"], f"{where}: no example of its success"
            assert {"400", "413", "431"} <= set(operation["responses"]), f"{where}: 400/413/431 not listed"


@pytest.fixture(scope="module")
def gateway(module_stack):
    module_stack.start_store(gateway=True)
    return module_stack.entry


def test_the_running_gateway_has_exactly_the_documented_methods(gateway):
    by_path = {}
    for method, path in documented():
        by_path.setdefault(path, set()).add(method)
    for path, methods in sorted(by_path.items()):
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        response = requests.patch(gateway.url + concrete, timeout=10)  # validated by the hook as well
        assert response.status_code == 405, (path, response.status_code, response.text)
        allow = {method.strip().upper() for method in response.headers["Allow"].split(",")}
        assert allow - {"HEAD"} == methods, f"{path}: the gateway answers Allow: {sorted(allow)}, documented {sorted(methods)}"


def test_paths_outside_the_document_are_not_routed(gateway):
    for path in ("/internal/revocations", "/.well-known/jwks.json", "/metrics", "/nowhere", "/books/1/extra"):
        response = requests.get(gateway.url + path, timeout=10)
        assert response.status_code == 404, (path, response.status_code)


def test_the_validation_hook_refuses_what_the_document_does_not_say(gateway):
    """The hook is live: an answer the document does not allow raises, naming method, path and status."""
    spec = openapi.document()
    assert spec.check("GET", "/books", 200, {"Content-Type": "application/json", "X-Total-Count": "0",
                                             "Cache-Control": "public, max-age=0, s-maxage=30"}, b"[]") is None
    complaint = spec.check("GET", "/books", 200, {"Content-Type": "application/json", "X-Total-Count": "1",
                                                  "Cache-Control": "public, max-age=0, s-maxage=30"},
                           b'[{"id": 0}]')
    assert complaint and "id" in complaint
    assert "not documented" in spec.check("DELETE", "/orders/{id}".replace("{id}", "1"), 418, {}, b"")
    assert "X-Total-Count" in spec.check("GET", "/books", 200, {"Content-Type": "application/json",
                                                                "Cache-Control": "public, max-age=0, s-maxage=1"},
                                         b"[]")
    assert "(not 404)" in spec.check("GET", "/books/abc", 200, {"Content-Type": "application/json"}, b"{}")
    assert openapi.take_violations() == []
    # And through the hook itself: a real answer of the gateway passes.
    assert requests.get(gateway.url + "/books", timeout=10).status_code == 200
    assert openapi.take_violations() == []


def test_every_operation_answers_as_documented_through_the_gateway(gateway, module_stack):
    """One pass over every documented operation through the gateway, successes and the usual refusals,
    so that each is validated against the document through the gateway at least once (the hook does the
    checking; most other tests call the services directly)."""
    api = Client(gateway)
    alice = api.new_user("Alice")
    bob = api.new_user("Bob")
    admin = api.admin()
    assert api.get("/healthz").status_code == 200
    assert api.get("/readyz").status_code == 200
    assert api.get("/openapi.json").status_code == 200
    assert api.get("/auth/me", alice).status_code == 200
    assert api.get("/auth/me").status_code == 401
    assert api.register("Alice again", alice.email).status_code == 409
    assert api.post("/auth/register", {"name": "", "email": "x", "password": "p"}).status_code == 400
    assert api.get("/users?limit=2", admin).status_code == 200
    assert api.get("/users", alice).status_code == 403
    assert api.get("/users?limit=0", admin).status_code == 400

    book = api.post("/books", {"title": "Germinal", "author": "Émile Zola", "price": 12.5, "stock": 5}, alice)
    assert book.status_code == 201, book.text
    book_id = book.json()["id"]
    assert api.post("/books", {"title": "x", "author": "y", "price": 1, "stock": 1, "seller_id": bob.id},
                    alice).status_code == 403
    assert api.post("/books", {"title": "x"}, alice).status_code == 400
    assert api.get(f"/books?q=germinal&in_stock=true&sort=price_asc&limit=5").status_code == 200
    assert api.get("/books?sort=cheapest").status_code == 400
    assert api.get(f"/books/{book_id}").status_code == 200
    assert api.get("/books/0").status_code == 404
    assert api.request("PUT", f"/books/{book_id}", alice, json={"price": 10}).status_code == 200
    assert api.request("PUT", f"/books/{book_id}", bob, json={"price": 1}).status_code == 403
    assert api.get("/delivery-providers").status_code == 200

    module_stack.wait_read_model(book_id)
    order = api.post("/orders", {"items": [{"book_id": book_id, "quantity": 1}]}, bob,
                     headers={"Idempotency-Key": "walk-1"})
    assert order.status_code == 201, order.text
    order_id = order.json()["id"]
    assert api.post("/orders", {"book_id": book_id, "quantity": 2}, bob,
                    headers={"Idempotency-Key": "walk-1"}).status_code == 422
    assert api.post("/orders", {"book_id": book_id, "quantity": 1000}, bob).status_code == 409
    assert api.post("/orders", {"book_id": 999_999_999}, bob).status_code == 404
    assert api.post("/orders", {"items": []}, bob).status_code == 400
    assert api.get("/orders?status=awaiting_payment", bob).status_code == 200
    assert api.get("/orders?all=true", bob).status_code == 403
    assert api.get("/orders?all=true&limit=3", admin).status_code == 200
    assert api.get(f"/orders/{order_id}", bob).status_code == 200
    assert api.get(f"/orders/{order_id}", alice).status_code == 403
    assert api.post(f"/orders/{order_id}/delivery", {"provider_id": 1}, bob).status_code == 409
    assert api.post(f"/orders/{order_id}/pay", {"method": "paypal", "simulate": "decline"}, bob).status_code == 402
    assert api.post(f"/orders/{order_id}/pay", {"method": "cash"}, bob).status_code == 400
    assert api.post(f"/orders/{order_id}/pay", {"method": "credit_card"}, bob).status_code == 200
    assert api.post(f"/orders/{order_id}/pay", {"method": "credit_card"}, bob).status_code == 409
    assert api.post(f"/orders/{order_id}/cancel", None, bob).status_code == 409
    assert api.post(f"/orders/{order_id}/delivery", {"provider_id": 999}, bob).status_code == 404
    assert api.post(f"/orders/{order_id}/delivery", {"provider_id": 1}, bob).status_code == 200
    assert api.get(f"/orders/{order_id}", admin).status_code == 200

    second = api.post("/orders", {"book_id": book_id}, bob)
    assert second.status_code == 201, second.text
    assert api.post(f"/orders/{second.json()['id']}/cancel", None, bob).status_code == 200
    assert api.post("/orders/abc/cancel", None, bob).status_code == 404

    with requests.get(gateway.url + "/events", headers=alice.headers, stream=True, timeout=10) as stream:
        assert stream.status_code == 200
    assert requests.get(gateway.url + "/events?access_token=nope", timeout=10).status_code == 401

    assert api.request("DELETE", f"/books/{book_id}", bob).status_code == 403
    assert api.request("DELETE", f"/books/{book_id}", alice).status_code == 200
    assert api.get(f"/books/{book_id}").status_code == 404
    assert api.post("/auth/logout", user=alice).status_code == 204
    assert api.get("/auth/me", alice).status_code == 401

    assert openapi.take_violations() == []
    assert not [op for op in openapi.unexercised()], openapi.unexercised()


def test_the_gateway_serves_this_document(gateway, tmp_path):
    """GET /openapi.json is docs/openapi.yaml as it is now (a stale build fails here), with an ETag that
    a client revalidates with."""
    rendered = tmp_path / "openapi.json"
    subprocess.run([sys.executable, str(ROOT / "cmake/render_openapi.py"), "--json", str(rendered),
                    str(openapi.DOCUMENT)], check=True, timeout=60)
    response = requests.get(gateway.url + "/openapi.json", timeout=10)
    assert response.status_code == 200, response.text[:200]
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.content == rendered.read_bytes()
    served = response.json()
    assert {(method.upper(), path) for path, item in served["paths"].items() for method in item
            if method in openapi.METHODS} == documented()
    again = requests.get(gateway.url + "/openapi.json", headers={"If-None-Match": response.headers["ETag"]},
                         timeout=10)
    assert again.status_code == 304 and again.content == b""
    assert requests.get(gateway.url + "/openapi.json", headers={"If-None-Match": '"0"'}, timeout=10).status_code == 200


def test_the_web_store_shows_the_reference(gateway, module_stack):
    """The web store's /api page is the document made readable: every operation and every schema has its
    anchor, inside the store's layout with its usual security headers."""
    web = module_stack.web or module_stack.start_web(gateway=module_stack.gateway)
    page = requests.get(web.url + "/api", timeout=10)
    assert page.status_code == 200, page.text[:300]
    assert page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    spec = openapi.document().document
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in openapi.METHODS:
                assert f'id="{operation["operationId"]}"' in page.text, (method, path)
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in page.text, name
    assert '<a class="brand" href="/"' in page.text  # the store's layout around it
