"""Events auth publishes through its outbox (docs/events.md), read from a test queue bound to the test's
own events exchange (an AMQP_NAME_PREFIX keeps it apart from every other test on the broker)."""

import re

import pytest

from test_auth_support import AuthClient, EventQueue, auth_stack, jwt_payload  # noqa: F401 - auth_stack is a fixture

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


@pytest.fixture
def events(auth_stack):
    queue = EventQueue(auth_stack.infra.amqp_url, auth_stack.exchange, ["user.registered", "auth.token_revoked"])
    yield queue
    queue.close()


def assert_cloud_event(message, event_type):
    assert message["routing_key"] == event_type
    assert message["content_type"] == "application/cloudevents+json"
    event = message["event"]
    assert event["specversion"] == "1.0" and event["type"] == event_type and event["source"] == "auth"
    assert message["message_id"] == event["id"]
    assert RFC3339.match(event["time"])
    return event["data"]


def test_registration_and_logout_publish_events(auth_stack, events):
    auth = auth_stack.start()
    registered = auth.register("Ida", "ida@example.com")
    assert registered.status_code == 201
    user_id = registered.json()["user_id"]

    message = events.wait_for(lambda m: m["routing_key"] == "user.registered"
                              and m["event"]["data"]["user_id"] == user_id, message="user.registered")
    data = assert_cloud_event(message, "user.registered")
    assert set(data) == {"user_id", "name", "role", "created_at"}, "no email in user.registered"
    assert data["name"] == "Ida" and data["role"] == "user"
    assert data["created_at"] == auth.me(auth.token("ida@example.com")).json()["created_at"]

    token = auth.token("ida@example.com")
    assert auth.logout(token).status_code == 204
    claims = jwt_payload(token)
    message = events.wait_for(lambda m: m["routing_key"] == "auth.token_revoked"
                              and m["event"]["data"]["jti"] == claims["jti"], message="auth.token_revoked")
    data = assert_cloud_event(message, "auth.token_revoked")
    assert data == {"jti": claims["jti"], "user_id": user_id, "exp": claims["exp"]}


def test_refused_registration_publishes_nothing(auth_stack, events):
    auth = auth_stack.start()
    assert auth.register("Jo", "jo@example.com").status_code == 201
    assert auth.register("Jo again", "JO@example.com").status_code == 409
    assert auth.register("", "other@example.com").status_code == 400
    # A later event proves the relay got past anything the refused requests could have written.
    assert auth.register("Kim", "kim@example.com").status_code == 201
    events.wait_for(lambda m: m["event"]["data"].get("name") == "Kim", message="Kim's user.registered")
    names = [m["event"]["data"]["name"] for m in events.matching(lambda m: m["routing_key"] == "user.registered")]
    assert names == ["Jo", "Kim"]


def test_bootstrap_admin_is_registered_once(auth_stack, events):
    admin = {"ADMIN_EMAIL": "chief@example.com", "ADMIN_PASSWORD": "admin password 1"}
    replicas = [auth_stack.new(**admin), auth_stack.new(**admin)]
    for replica in replicas:
        replica.start(wait=False)
    for replica in replicas:
        replica.wait_ready(60)
    events.wait_for(lambda m: m["event"]["data"].get("role") == "admin", message="the admin's user.registered")
    auth = AuthClient(replicas[0])
    # Another event afterwards bounds the wait for a (wrong) second admin event.
    assert auth.register("Lee", "lee@example.com").status_code == 201
    events.wait_for(lambda m: m["event"]["data"].get("name") == "Lee", message="Lee's user.registered")
    admins = events.matching(lambda m: m["routing_key"] == "user.registered" and m["event"]["data"]["role"] == "admin")
    assert len(admins) == 1, admins
    assert admins[0]["event"]["data"]["name"] == "Administrator"
