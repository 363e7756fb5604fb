"""The public API's contract, docs/openapi.yaml (OpenAPI 3.1), checked against what the gateway answers.

Every response a system test receives from a gateway is validated (install() wraps requests'
Session.send, the one place every requests call goes through: requests.get/post/request, sessions and
support.api.Client alike), and so is every answer of auth, catalog or orders called directly on a path
the document has (the gateway relays those answers as they are; their other paths, /internal/* and
/.well-known/*, are not public and are skipped):

- the path must match a path template of the document, else the answer must be the gateway's 404 problem
  (unrouted paths, /internal/* and the like);
- on a documented path, a method the path does not have (HEAD counts as GET) must be answered 405 with
  Allow, or by one of the answers every route has (400, 401, 413, 431, 5xx), as a problem;
- a path parameter that breaks its schema (a book id that is not a positive integer) must be a 404;
- otherwise the status must be one the operation documents; the response's media type one its content
  lists; the body valid against that schema (JSON Schema 2020-12, the 3.1 dialect); a problem's "status"
  the response's; every header the response marks required present and valid.

Responses of gateways whose upstream for the path is a running stand-in (Stack.start_fake: it echoes
whatever it received) are not the product's and are skipped, as are web's and the admin ports'. A
mismatch raises ContractViolation (an AssertionError naming method, path, status and the validation
error) and is also recorded, so that conftest.py fails the test even where a caller swallowed the
exception (wait_for retries, worker threads).

Uses only what Debian 12's python3-jsonschema (4.10) and python3-yaml (6.0) have: Draft202012Validator,
iter_errors and best_match; "$ref"s into components/schemas are resolved by validating against a wrapper
document holding the components, so no RefResolver is needed.
"""

import json
import pathlib
import re
import threading
import urllib.parse

import jsonschema
import requests
import yaml
from jsonschema import Draft202012Validator

ROOT = pathlib.Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "docs" / "openapi.yaml"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# What any route can answer whatever its method: malformed or oversized requests (libs/http), a bad token
# (the gateway's authn filter runs before routing to a service), an unknown method (405, by the service)
# and the gateway's and services' failures.
ANY_ROUTE = {400, 401, 405, 413, 431, 500, 502, 503, 504}
JSON_TYPES = ("application/json", "application/problem+json")
SERVICES = ("auth", "catalog", "orders")
# The gateway's upstream setting for a path prefix (services/gateway/filters/router/router.cpp).
UPSTREAM_SETTING = (("/auth/", "AUTH_URLS"), ("/users", "AUTH_URLS"), ("/books", "CATALOG_URLS"),
                    ("/orders", "ORDERS_URLS"), ("/delivery-providers", "ORDERS_URLS"))


class ContractViolation(AssertionError):
    pass


class OpenApi:
    """docs/openapi.yaml, loaded once: its operations by method and path template, and validation."""

    def __init__(self, path=DOCUMENT):
        self.path = pathlib.Path(path)
        with open(self.path, encoding="utf-8") as handle:
            self.document = yaml.safe_load(handle)
        self._components = self.document.get("components", {})
        self._templates = []  # (regex, template, path item), literal paths before templated ones
        for template, item in self.document["paths"].items():
            pattern = "^" + re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            self._templates.append((re.compile(pattern), template, item))
        self._templates.sort(key=lambda entry: entry[1].count("{"))
        self._validators = {}

    # ------------------------------------------------------------------------------------ lookups

    def operations(self):
        """{(METHOD, template)} of every documented operation."""
        return {(method.upper(), template) for template, item in self.document["paths"].items()
                for method in item if method in METHODS}

    def match(self, path):
        """(template, path item, {name: raw value}) of the template matching path, or (None, None, {})."""
        for regex, template, item in self._templates:
            found = regex.match(path)
            if found:
                return template, item, {k: urllib.parse.unquote(v) for k, v in found.groupdict().items()}
        return None, None, {}

    def resolve(self, node):
        """Follows a local "$ref" (#/components/...) to what it names."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            reference = node["$ref"]
            if not reference.startswith("#/"):
                raise ValueError(f"only local references are supported: {reference}")
            node = self.document
            for part in reference[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            seen += 1
            if seen > 20:
                raise ValueError(f"reference loop at {reference}")
        return node

    def validator(self, schema):
        """A Draft 2020-12 validator of schema, in a document that holds the components (so that
        #/components/schemas/... resolves)."""
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            wrapper = {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": self._components,
                       "allOf": [schema]}
            self._validators[key] = Draft202012Validator(wrapper)
        return self._validators[key]

    def schema_errors(self, schema, value):
        validator = self.validator(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(value))
        if error is None:
            return None
        where = "/".join(str(part) for part in error.absolute_path) or "(the body)"
        return f"at {where}: {error.message}"

    # --------------------------------------------------------------------------------- validation

    def check(self, method, path, status, headers, body=None, read_body=True):
        """The contract's complaint about this response (None when it conforms). headers: a
        case-insensitive mapping; body: bytes (ignored unless read_body)."""
        method = method.upper()
        template, item, raw_params = self.match(path)
        if template is None:
            if status != 404:
                return f"no path of the document matches {path}, yet the gateway answered {status} (not 404)"
            return self._check_body_against(self._problem_content(), status, headers, body, read_body)
        operation = item.get(method.lower())
        if operation is None and method == "HEAD":
            operation = item.get("get")
            read_body = False
        if operation is None:
            if status not in ANY_ROUTE:
                return f"{method} is not documented on {template}, yet answered {status}"
            if status == 405 and "allow" not in {name.lower() for name in headers}:
                return "405 without an Allow header"
            return self._check_body_against(self._problem_content(), status, headers, body, read_body)

        parameters = [self.resolve(p) for p in item.get("parameters", []) + operation.get("parameters", [])]
        for parameter in parameters:
            if parameter.get("in") != "path" or parameter["name"] not in raw_params:
                continue
            raw = raw_params[parameter["name"]]
            value = int(raw) if re.fullmatch(r"-?[0-9]+", raw) else raw
            if self.schema_errors(parameter.get("schema", {}), value) is not None and status != 404:
                return f"path parameter {parameter['name']}={raw!r} breaks its schema, yet answered {status} (not 404)"

        responses = operation.get("responses", {})
        response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        if response is None:
            return (f"status {status} is not documented for {method} {template} "
                    f"(documented: {', '.join(sorted(responses))})")
        response = self.resolve(response)

        for name, header in (response.get("headers") or {}).items():
            header = self.resolve(header)
            value = _header(headers, name)
            if value is None:
                if header.get("required"):
                    return f"header {name} is required on {status} but missing"
                continue
            schema = header.get("schema", {})
            typed = int(value) if schema.get("type") == "integer" and re.fullmatch(r"-?[0-9]+", value) else value
            problem = self.schema_errors(schema, typed)
            if problem:
                return f"header {name}: {value!r}: {problem}"

        content = response.get("content")
        if not content:
            if read_body and body:
                return f"{status} documents no body, yet one came: {body[:200]!r}"
            return None
        return self._check_body_against(content, status, headers, body, read_body)

    def _problem_content(self):
        return {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}

    def _check_body_against(self, content, status, headers, body, read_body):
        media_type = (_header(headers, "Content-Type") or "").split(";")[0].strip().lower()
        if not read_body and not media_type:
            return None  # HEAD: no body, and maybe no Content-Type
        if media_type not in content:
            return f"Content-Type {media_type or '(none)'} is not documented for {status} (documented: {', '.join(content)})"
        if not read_body or media_type not in JSON_TYPES:
            return None
        try:
            value = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            return f"the {media_type} body is not JSON ({error}): {body[:200]!r}"
        schema = content[media_type].get("schema")
        if schema is not None:
            problem = self.schema_errors(schema, value)
            if problem:
                return f"{problem}; body: {body[:500].decode('utf-8', 'replace')}"
        if media_type == "application/problem+json" and isinstance(value, dict) and value.get("status") != status:
            return f"the problem's status {value.get('status')!r} is not the response's {status}"
        return None


def _header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


# ------------------------------------------------------------------------------- the requests hook

_document = None
_violations = []
_lock = threading.Lock()
_original_send = None
counts = {"validated": 0, "stand-in": 0}  # gateway answers checked, and skipped (a running stand-in behind)
seen = set()  # (METHOD, template, status) of the answers checked


def document():
    global _document
    if _document is None:
        _document = OpenApi()
    return _document


def take_violations():
    """The violations recorded since the last call (and forgets them)."""
    with _lock:
        taken = list(_violations)
        _violations.clear()
    return taken


def _checked_component(url):
    """The Component whose answer to this URL is checked: a gateway of the harness whose upstream for the
    path is not a running stand-in, or auth, catalog or orders on a documented public path. None
    otherwise."""
    from .component import Component  # noqa: PLC0415 - component imports requests too; keep this module light

    parts = urllib.parse.urlsplit(url)
    component = Component.by_port.get(parts.port)
    if component is None or parts.hostname != component.host:
        return None
    if component.name in SERVICES:
        # A service called directly: its answers on the public paths are what the gateway relays, so they
        # are checked too; its other paths (/internal/*, /.well-known/*) are not the public API.
        template = document().match(parts.path)[0]
        return component if template not in (None, "/events") else None
    if component.name != "gateway":
        return None
    setting = next((name for prefix, name in UPSTREAM_SETTING if parts.path.startswith(prefix)), None)
    if setting:
        for upstream in filter(None, component.env.get(setting, "").split(",")):
            port = urllib.parse.urlsplit(upstream.strip()).port
            behind = Component.by_port.get(port)
            if behind is not None and behind.name.startswith("fake-") and behind.running:
                with _lock:
                    counts["stand-in"] += 1
                return None
    return component


def validate_response(response):
    """Checks a requests.Response from a gateway against the document; raises ContractViolation."""
    request = response.request
    parts = urllib.parse.urlsplit(request.url)
    media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    # A stream (text/event-stream) is never read here: the test reads it. Anything else is read (requests
    # keeps the content, so the test can still read it).
    read_body = request.method != "HEAD" and media_type != "text/event-stream"
    body = response.content if read_body else None
    complaint = document().check(request.method, parts.path, response.status_code, response.headers, body,
                                 read_body)
    template = document().match(parts.path)[0]
    with _lock:
        counts["validated"] += 1
        seen.add((request.method, template, response.status_code))
    if complaint:
        message = (f"docs/openapi.yaml: {request.method} {parts.path} answered {response.status_code}: "
                   f"{complaint}")
        with _lock:
            _violations.append(message)
        raise ContractViolation(message)


def unexercised():
    """The documented operations no checked answer came from, as "METHOD template"."""
    with _lock:
        answered = {(method, template) for method, template, _ in seen}
    return sorted(f"{method} {template}" for method, template in document().operations() - answered)


def install():
    """Validates every response of a gateway from now on (idempotent)."""
    global _original_send
    if _original_send is not None:
        return
    _original_send = requests.Session.send

    def send(self, request, **kwargs):
        response = _original_send(self, request, **kwargs)
        if _checked_component(request.url) is not None:
            validate_response(response)
        return response

    requests.Session.send = send
