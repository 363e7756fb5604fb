"""auth as a black box: the real bookstore-auth binary, its own database, the test broker.
Contract: docs/design.md §2 (auth routes), docs/events.md."""

import re
import subprocess

import requests

from support import binary_for, wait_for
from support.api import PASSWORD, Client, bearer, key_line, problem, token_parts, write_keys

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def assert_problem(response, status, field=None):
    assert response.status_code == status, response.text
    body = problem(response)
    assert body["error"] and body["detail"] == body["error"]
    if field is not None:
        assert body.get("field") == field, body
    return body


def user_count(stack):
    return int(stack.database("auth").scalar("SELECT COUNT(*) FROM users"))


# ----------------------------------------------------------------------------------------- flows


def test_register_login_me_logout(stack):
    auth = Client(stack.start_auth())

    registered = auth.register("Ada Lovelace", "Ada@Example.com", PASSWORD)
    assert registered.status_code == 201, registered.text
    body = registered.json()
    assert set(body) == {"user_id", "name", "email", "message"}
    assert isinstance(body["user_id"], int) and body["user_id"] > 0
    assert body["name"] == "Ada Lovelace"
    assert body["email"] == "Ada@Example.com"
    user_id = body["user_id"]

    login = auth.login("  ada@EXAMPLE.com ", PASSWORD)  # emails are matched trimmed and case-insensitively
    assert login.status_code == 200, login.text
    body = login.json()
    assert set(body) == {"token", "user_id", "name", "role", "expires_in"}
    assert body["user_id"] == user_id and body["name"] == "Ada Lovelace" and body["role"] == "user"
    assert body["expires_in"] == 3600
    token = body["token"]
    header, claims, _ = token_parts(token)
    assert header["alg"] == "EdDSA" and header["kid"] == "k1"
    assert claims["iss"] == "bookstore-auth" and claims["aud"] == "bookstore"
    assert claims["sub"] == str(user_id) and claims["role"] == "user" and claims["name"] == "Ada Lovelace"
    assert claims["exp"] - claims["iat"] == 3600 and claims["jti"]

    me = auth.me(token)
    assert me.status_code == 200, me.text
    body = me.json()
    assert set(body) == {"id", "name", "email", "role", "created_at"}
    assert body["id"] == user_id and body["email"] == "Ada@Example.com" and body["role"] == "user"
    assert RFC3339.match(body["created_at"]), body["created_at"]

    logout = auth.logout(token)
    assert logout.status_code == 204, logout.text
    assert logout.content == b""

    again = auth.me(token)
    assert_problem(again, 401)
    assert again.headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(auth.logout(token), 401)

    # A new login still works after a logout.
    assert auth.me(auth.token("ada@example.com", PASSWORD)).status_code == 200


def test_authenticated_routes_refuse_missing_and_bad_tokens(stack):
    auth = Client(stack.start_auth())
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic YTpi"},
                    {"Authorization": "Bearer " + "a" * 9000}):
        response = auth.get("/auth/me", headers=headers)
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(auth.post("/auth/logout"), 401)
    assert_problem(auth.get("/users"), 401)


def test_login_failures_look_the_same(stack):
    auth = Client(stack.start_auth())
    assert auth.register("Bob", "bob@example.com", PASSWORD).status_code == 201

    wrong_password = auth.login("bob@example.com", "not the password")
    unknown_email = auth.login("nobody@example.com", "not the password")
    malformed_email = auth.login("not-an-email", "not the password")
    for response in (wrong_password, unknown_email, malformed_email):
        assert_problem(response, 401)
    assert wrong_password.json() == unknown_email.json() == malformed_email.json()

    assert_problem(auth.post("/auth/login", {"password": PASSWORD}), 400, "email")
    assert_problem(auth.post("/auth/login", {"email": "bob@example.com"}), 400, "password")
    assert_problem(auth.post("/auth/login", {"email": "bob@example.com", "password": 12345678}), 400, "password")
    assert_problem(auth.post("/auth/login", data="[]", headers={"Content-Type": "application/json"}), 400)


# ------------------------------------------------------------------------------------ validation

LONG_EMAIL = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + ".com"  # 259 characters

INVALID_REGISTRATIONS = [
    # (body, field)
    ({"email": "a@example.com", "password": PASSWORD}, "name"),
    ({"name": None, "email": "a@example.com", "password": PASSWORD}, "name"),
    ({"name": "", "email": "a@example.com", "password": PASSWORD}, "name"),
    ({"name": "   ", "email": "a@example.com", "password": PASSWORD}, "name"),
    ({"name": "x" * 101, "email": "a@example.com", "password": PASSWORD}, "name"),
    ({"name": "\U0001F4DA" * 101, "email": "a@example.com", "password": PASSWORD}, "name"),
    ({"name": "bell\u0007", "email": "a@example.com", "password": PASSWORD}, "name"),
    ({"name": "line\nbreak", "email": "a@example.com", "password": PASSWORD}, "name"),
    ({"name": 42, "email": "a@example.com", "password": PASSWORD}, "name"),
    ({"name": ["Ada"], "email": "a@example.com", "password": PASSWORD}, "name"),
    ({"name": "Ada", "password": PASSWORD}, "email"),
    ({"name": "Ada", "email": "", "password": PASSWORD}, "email"),
    ({"name": "Ada", "email": "not-an-email", "password": PASSWORD}, "email"),
    ({"name": "Ada", "email": "a@b", "password": PASSWORD}, "email"),
    ({"name": "Ada", "email": "a b@example.com", "password": PASSWORD}, "email"),
    ({"name": "Ada", "email": "a@@example.com", "password": PASSWORD}, "email"),
    ({"name": "Ada", "email": LONG_EMAIL, "password": PASSWORD}, "email"),
    ({"name": "Ada", "email": 12, "password": PASSWORD}, "email"),
    ({"name": "Ada", "email": "a@example.com"}, "password"),
    ({"name": "Ada", "email": "a@example.com", "password": "short"}, "password"),
    ({"name": "Ada", "email": "a@example.com", "password": "1234567"}, "password"),
    ({"name": "Ada", "email": "a@example.com", "password": "p" * 129}, "password"),
    ({"name": "Ada", "email": "a@example.com", "password": 12345678}, "password"),
    ({"name": "Ada", "email": "a@example.com", "password": None}, "password"),
]


def test_registration_validation(stack):
    auth = Client(stack.start_auth())
    for body, field in INVALID_REGISTRATIONS:
        response = auth.post("/auth/register", body)
        assert_problem(response, 400, field)
    for raw in ("[]", '"text"', "12", "null", "{", "not json", ""):
        response = auth.post("/auth/register", data=raw, headers={"Content-Type": "application/json"})
        assert_problem(response, 400)
    assert user_count(stack) == 0, "a refused registration wrote something"


def test_registration_limits_count_characters_and_ignore_unknown_fields(stack):
    auth = Client(stack.start_auth())
    emoji_name = "\U0001F4DA" * 100  # 100 characters, 400 bytes
    response = auth.post("/auth/register", {"name": emoji_name, "email": "books@example.com",
                                            "password": "é" * 8, "role": "admin", "user_id": 99})
    assert response.status_code == 201, response.text
    assert response.json()["name"] == emoji_name
    assert response.json()["user_id"] != 99
    token = auth.token("books@example.com", "é" * 8)
    assert auth.me(token).json()["role"] == "user"  # a "role" in the body is ignored
    response = auth.register("Max", "max@example.com", "p" * 128)
    assert response.status_code == 201, response.text
    response = auth.register("  Trimmed  ", "  trimmed@example.com  ")
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Trimmed" and response.json()["email"] == "trimmed@example.com"


def test_duplicate_email_in_any_case_is_409(stack):
    auth = Client(stack.start_auth())
    assert auth.register("First", "Same@Example.com").status_code == 201
    for email in ("same@example.com", "SAME@EXAMPLE.COM", "  Same@Example.com "):
        assert_problem(auth.register("Second", email), 409, "email")
    assert user_count(stack) == 1
    assert auth.login("same@example.com").status_code == 200


# ------------------------------------------------------------------------------------- admin, users


def test_users_list_is_admin_only(stack):
    auth = Client(stack.start_auth(ADMIN_EMAIL="root@example.com", ADMIN_PASSWORD="admin password 1"))
    assert auth.register("Carol", "carol@example.com").status_code == 201

    admin_login = auth.login("root@example.com", "admin password 1")
    assert admin_login.status_code == 200, admin_login.text
    assert admin_login.json()["role"] == "admin"
    admin_token = admin_login.json()["token"]

    users = auth.get("/users", headers=bearer(admin_token))
    assert users.status_code == 200, users.text
    listed = users.json()
    assert [u["email"] for u in listed] == ["root@example.com", "carol@example.com"]
    for user in listed:
        assert set(user) == {"id", "name", "email", "role", "created_at"}
        assert RFC3339.match(user["created_at"])
    assert [u["role"] for u in listed] == ["admin", "user"]
    assert users.headers["X-Total-Count"] == "2"

    carol = auth.token("carol@example.com")
    assert_problem(auth.get("/users", headers=bearer(carol)), 403)
    assert_problem(auth.get("/users"), 401)
    assert_problem(auth.get("/users?limit=0", headers=bearer(admin_token)), 400, "limit")


def test_bootstrap_never_makes_a_self_registered_account_admin_with_its_own_password(stack):
    """Issue 13, finding 4: whoever registered ADMIN_EMAIL first became admin with their own password."""
    first = stack.start("auth")
    auth = Client(first)
    assert auth.register("Mallory", "dave@example.com", PASSWORD).status_code == 201
    first.stop()

    restarted = stack.start("auth", ADMIN_EMAIL="DAVE@example.com", ADMIN_PASSWORD="the operator's password")
    auth = Client(restarted)
    assert_problem(auth.login("dave@example.com", PASSWORD), 401)  # the registrant's password is gone
    login = auth.login("dave@example.com", "the operator's password")
    assert login.status_code == 200 and login.json()["role"] == "admin"
    wait_for(lambda: "promoted, its password replaced by ADMIN_PASSWORD" in restarted.log_text(), timeout=10,
             message="the promotion logged (info lines wait up to LOG_FLUSH_INTERVAL)")

    # An existing admin keeps its password: the next start changes nothing.
    restarted.stop()
    again = stack.start("auth", ADMIN_EMAIL="dave@example.com", ADMIN_PASSWORD="another password")
    assert Client(again).login("dave@example.com", "the operator's password").status_code == 200


def test_bad_settings_stop_the_start(stack, tmp_path):
    bad_keys = tmp_path / "bad_keys"
    bad_keys.write_text("k1 not-a-seed\n")
    broken = stack.new("auth", JWT_KEYS_FILE=bad_keys)
    broken.start(wait=False)
    assert broken.wait_exit(30) != 0
    assert "JWT_KEYS" in broken.log_text()
    assert "not-a-seed" not in broken.log_text(), "key material must not be logged"

    weak_admin = stack.new("auth", ADMIN_EMAIL="root@example.com", ADMIN_PASSWORD="short")
    weak_admin.start(wait=False)
    assert weak_admin.wait_exit(30) != 0
    assert "ADMIN_PASSWORD" in weak_admin.log_text()


def test_help_lists_the_settings():
    result = subprocess.run([str(binary_for("auth")), "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    for name in ("JWT_KEYS", "JWT_TTL", "JWT_ISSUER", "JWT_AUDIENCE", "PASSWORD_OPSLIMIT", "PASSWORD_MEMLIMIT_KIB",
                 "ADMIN_EMAIL", "ADMIN_PASSWORD", "DB_HOST", "AMQP_URL", "HTTP_PORT"):
        assert name in result.stdout + result.stderr, name


# ------------------------------------------------------------------------------- tokens and keys


def test_token_expires(stack):
    auth = Client(stack.start_auth(JWT_TTL="2s", JWT_LEEWAY="0s"))
    assert auth.register("Eve", "eve@example.com").status_code == 201
    login = auth.login("eve@example.com")
    assert login.json()["expires_in"] == 2
    token = login.json()["token"]
    assert auth.me(token).status_code == 200

    wait_for(lambda: auth.me(token).status_code == 401, timeout=15, message="token rejected after JWT_TTL")
    expired = auth.me(token)
    assert_problem(expired, 401)
    assert expired.json()["detail"] == "token expired"


def test_key_rotation_keeps_old_tokens_valid(stack):
    first_line = stack.keys_file.read_text().strip()
    component = stack.start("auth")
    auth = Client(component)
    assert auth.register("Fay", "fay@example.com").status_code == 201
    old_token = auth.token("fay@example.com")
    assert token_parts(old_token)[0]["kid"] == "k1"

    write_keys(stack.keys_file, [first_line, key_line("k2")])
    component.restart(ready_timeout=60)

    assert auth.me(old_token).status_code == 200
    new_token = auth.token("fay@example.com")
    assert token_parts(new_token)[0]["kid"] == "k2"
    assert auth.me(new_token).status_code == 200

    jwks = auth.get("/.well-known/jwks.json")
    assert jwks.status_code == 200
    keys = jwks.json()["keys"]
    assert sorted(k["kid"] for k in keys) == ["k1", "k2"]
    for key in keys:
        assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["alg"] == "EdDSA"
        assert "d" not in key, "a private key was published"


def test_token_of_unknown_key_is_refused(stack, tmp_path):
    auth = Client(stack.start_auth())
    assert auth.register("Gus", "gus@example.com").status_code == 201
    token = auth.token("gus@example.com")

    # The same user's token signed by a different auth (another key file): refused.
    other_keys = write_keys(tmp_path / "other_keys", [key_line("k1")])
    other = Client(stack.start("auth", JWT_KEYS_FILE=other_keys))
    forged = other.token("gus@example.com")
    assert auth.me(token).status_code == 200
    assert_problem(auth.me(forged), 401)


def test_logout_is_seen_by_every_replica(stack):
    first = Client(stack.start_auth())
    second = Client(stack.start_auth())
    assert first.register("Hal", "hal@example.com").status_code == 201
    token = first.token("hal@example.com")
    assert second.me(token).status_code == 200  # now cached as verified by the second replica

    assert first.logout(token).status_code == 204
    assert_problem(second.me(token), 401)

    revocations = second.get("/internal/revocations")
    assert revocations.status_code == 200
    _, claims, _ = token_parts(token)
    assert {"jti": claims["jti"], "exp": claims["exp"]} in revocations.json()


def test_two_replicas_bootstrap_one_admin(stack):
    admin = {"ADMIN_EMAIL": "boss@example.com", "ADMIN_PASSWORD": "admin password 1"}
    replicas = [stack.new("auth", **admin), stack.new("auth", **admin)]
    for replica in replicas:
        replica.start(wait=False)
    for replica in replicas:
        replica.wait_ready(60)

    rows = stack.database("auth").query("SELECT role FROM users WHERE email_normalized = 'boss@example.com'")
    assert rows == [["admin"]]
    for replica in replicas:
        assert Client(replica).login("boss@example.com", "admin password 1").json()["role"] == "admin"
    for replica in replicas:
        assert replica.stop() == 0  # info lines may wait up to LOG_FLUSH_INTERVAL; an exit writes them
    logs = "".join(replica.log_text() for replica in replicas)
    assert len(re.findall(r'"msg":"admin account created"', logs)) == 1, logs


def test_readiness_and_health(stack):
    component = stack.start_auth()
    auth = Client(component)
    ready = requests.get(component.admin_url + "/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"db": "ok", "broker": "ok"}
    assert auth.get("/healthz").status_code == 200


def test_sigterm_exits_cleanly(stack):
    component = stack.start("auth")
    assert component.stop() == 0
    assert "auth stopped" in component.log_text()



# Issue 13, finding 7: auth copied any traceparent into its outbox, so an oversized or non-ASCII one made
# register and logout answer 500, and a failed logout left the token valid. An invalid value is replaced by
# a new trace, as a missing one is (libs/http/include/bookstore/http/trace_context.h).
BAD_TRACEPARENTS = [b"a" * 203, "00-\u00e9".encode() + b"0" * 50, b"00-zz"]


def test_an_invalid_traceparent_is_dropped_never_a_5xx(stack):
    auth = Client(stack.start_auth())
    for index, traceparent in enumerate(BAD_TRACEPARENTS):
        email = f"trace{index}@example.com"
        registered = auth.register("Tracy", email, PASSWORD, headers={"traceparent": traceparent})
        assert registered.status_code == 201, registered.text
        token = auth.token(email, PASSWORD)
        logout = auth.post("/auth/logout", headers={**bearer(token), "traceparent": traceparent})
        assert logout.status_code == 204, logout.text
        assert_problem(auth.me(token), 401)  # the logout took effect
    valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert auth.register("Tracy", "trace-valid@example.com", PASSWORD,
                         headers={"traceparent": valid}).status_code == 201
