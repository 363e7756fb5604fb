"""Events auth publishes through its outbox (docs/events.md), read from a test queue bound to the test's
own events exchange (an AMQP_NAME_PREFIX keeps it apart from every other test on the broker). The
EventLog checks every message's routing key, message id and content type against its CloudEvent."""

import re

import pytest

from support.api import Client, token_parts

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


@pytest.fixture
def events(stack):
    return stack.bound_event_log(["user.registered", "auth.token_revoked"])


def assert_cloud_event(event, event_type):
    assert event["specversion"] == "1.0" and event["type"] == event_type and event["source"] == "auth"
    assert RFC3339.match(event["time"])
    return event["data"]


def test_registration_and_logout_publish_events(stack, events):
    auth = Client(stack.start_auth())
    registered = auth.register("Ida", "ida@example.com")
    assert registered.status_code == 201
    user_id = registered.json()["user_id"]

    event = events.wait_for(lambda e: e["type"] == "user.registered" and e["data"]["user_id"] == user_id,
                            timeout=15, what="user.registered")[0]
    data = assert_cloud_event(event, "user.registered")
    assert set(data) == {"user_id", "name", "role", "created_at"}, "no email in user.registered"
    assert data["name"] == "Ida" and data["role"] == "user"
    assert data["created_at"] == auth.me(auth.token("ida@example.com")).json()["created_at"]

    token = auth.token("ida@example.com")
    assert auth.logout(token).status_code == 204
    _, claims, _ = token_parts(token)
    event = events.wait_for(lambda e: e["type"] == "auth.token_revoked" and e["data"]["jti"] == claims["jti"],
                            timeout=15, what="auth.token_revoked")[0]
    data = assert_cloud_event(event, "auth.token_revoked")
    assert data == {"jti": claims["jti"], "user_id": user_id, "exp": claims["exp"]}


def test_refused_registration_publishes_nothing(stack, events):
    auth = Client(stack.start_auth())
    assert auth.register("Jo", "jo@example.com").status_code == 201
    assert auth.register("Jo again", "JO@example.com").status_code == 409
    assert auth.register("", "other@example.com").status_code == 400
    # A later event proves the relay got past anything the refused requests could have written.
    assert auth.register("Kim", "kim@example.com").status_code == 201
    events.wait_for(lambda e: e["data"].get("name") == "Kim", timeout=15, what="Kim's user.registered")
    names = [e["data"]["name"] for e in events.matching(lambda e: e["type"] == "user.registered")]
    assert names == ["Jo", "Kim"]


def test_bootstrap_admin_is_registered_once(stack, events):
    admin = {"ADMIN_EMAIL": "chief@example.com", "ADMIN_PASSWORD": "admin password 1"}
    replicas = [stack.new("auth", **admin), stack.new("auth", **admin)]
    for replica in replicas:
        replica.start(wait=False)
    for replica in replicas:
        replica.wait_ready(60)
    events.wait_for(lambda e: e["data"].get("role") == "admin", timeout=15, what="the admin's user.registered")
    auth = Client(replicas[0])
    # Another event afterwards bounds the wait for a (wrong) second admin event.
    assert auth.register("Lee", "lee@example.com").status_code == 201
    events.wait_for(lambda e: e["data"].get("name") == "Lee", timeout=15, what="Lee's user.registered")
    admins = events.matching(lambda e: e["type"] == "user.registered" and e["data"]["role"] == "admin")
    assert len(admins) == 1, admins
    assert admins[0]["data"]["name"] == "Administrator"
