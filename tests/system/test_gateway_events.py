"""GET /events on the gateway: the live stream of public book changes and each user's own order events,
fed from the bus (events published here as catalog and orders would)."""

import re
import socket
import time

import requests

from support import wait_for
from support.api import Client, bearer, problem
from support.events import EventStream


def book(book_id, title="Dune"):
    return {"id": book_id, "title": title, "author": "Frank Herbert", "price": 12.5, "stock": 3, "seller_id": 1,
            "version": 1}


def test_anonymous_stream_gets_book_events_but_no_order_events(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth)
    user_id = 12345
    stream = EventStream(gateway.url + "/events")
    try:
        assert stream.status_code == 200
        assert stream.response.headers["Content-Type"].startswith("text/event-stream")
        stream.wait_comment("connected")
        stack.publish("order.paid", {"order_id": 1, "user_id": user_id, "amount": 10, "method": "paypal"})
        stack.publish("book.created", book(42))
        event, before = stream.wait_event(lambda e: e["event"] == "book.created")
        assert event["data"] == book(42) and event["id"]
        # Events arrive in publish order: had the order event been sent here, it would have come first.
        assert before == []
    finally:
        stream.close()


def test_user_stream_gets_only_their_own_order_events(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth)
    account = Client(gateway).new_user("Alice")
    alice_token, alice_id = account.token, account.id
    bob_id = Client(gateway).new_user("Bob").id
    alice = EventStream(gateway.url + "/events", headers=bearer(alice_token))
    try:
        assert alice.status_code == 200
        alice.wait_comment("connected")
        stack.publish("order.placed", {"order_id": 1, "user_id": bob_id, "items": []})
        stack.publish("order.stock_reserved", {"order_id": 2, "user_id": alice_id, "items": [], "total_price": 9.5})
        stack.publish("book.stock_changed", book(7))
        mine, before = alice.wait_event(lambda e: e["event"] == "order.stock_reserved")
        assert mine["data"]["order_id"] == 2
        assert before == []  # nothing of Bob's
        changed, before = alice.wait_event(lambda e: e["event"] == "book.stock_changed")
        assert changed["data"]["id"] == 7 and before == []
    finally:
        alice.close()


def test_token_in_the_query_for_event_source(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth)
    ivy = Client(gateway).new_user("Ivy")
    token, user_id = ivy.token, ivy.id
    stream = EventStream(gateway.url + "/events?access_token=" + token)
    try:
        stream.wait_comment("connected")
        stack.publish("order.cancelled", {"order_id": 5, "user_id": user_id, "reason": "user"})
        event, _ = stream.wait_event(lambda e: e["event"] == "order.cancelled")
        assert event["data"]["order_id"] == 5
    finally:
        stream.close()
    refused = requests.get(gateway.url + "/events?access_token=not-a-token", timeout=10)
    assert refused.status_code == 401
    problem(refused)


def test_invalid_token_gets_no_stream(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth)
    response = requests.get(gateway.url + "/events", headers=bearer("a.b.c"), timeout=10)
    assert response.status_code == 401
    problem(response)


def test_stream_ends_when_its_token_is_revoked(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth)
    token = Client(gateway).new_user("Jack").token
    stream = EventStream(gateway.url + "/events", headers=bearer(token))
    try:
        stream.wait_comment("connected")
        assert requests.post(gateway.url + "/auth/logout", headers=bearer(token), timeout=10).status_code == 204
        assert stream.ended.wait(15), "stream still open after logout"
        assert requests.get(gateway.url + "/events", headers=bearer(token), timeout=10).status_code == 401
    finally:
        stream.close()


def test_stream_ends_when_its_token_expires(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth)
    user_id = Client(gateway).new_user("Kim").id
    short_lived = stack.sign(sub=str(user_id), exp=int(time.time()) + 2)
    stream = EventStream(gateway.url + "/events", headers=bearer(short_lived))
    try:
        assert stream.status_code == 200
        stream.wait_comment("connected")
        stream.wait_comment("token expired", timeout=15)
        assert stream.ended.wait(15)
    finally:
        stream.close()


def test_heartbeat_comments_keep_the_stream_alive(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth, EVENTS_HEARTBEAT="300ms")
    stream = EventStream(gateway.url + "/events")
    try:
        stream.wait_comment("connected")
        stream.wait_comment("keep-alive", timeout=10)
        stream.wait_comment("keep-alive", timeout=10)
    finally:
        stream.close()


def test_many_streams_get_every_event_in_order(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth)
    streams = [EventStream(gateway.url + "/events") for _ in range(30)]
    try:
        for stream in streams:
            stream.wait_comment("connected")
        wait_for(lambda: "gateway_live_streams 30" in gateway.metrics(), timeout=10,
                 message="30 streams open")
        for i in range(3):
            stack.publish("book.updated", book(100 + i))
        for stream in streams:
            _, before = stream.wait_event(lambda e: e["data"]["id"] == 102)
            assert [e["data"]["id"] for e in before] == [100, 101]
    finally:
        for stream in streams:
            stream.close()
    wait_for(lambda: "gateway_live_streams 0" in gateway.metrics(), timeout=15,
             message="closed streams unregistered")


def test_a_client_that_stops_reading_is_dropped_without_slowing_others(stack):
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth, EVENTS_QUEUE_LIMIT="64")
    reader = EventStream(gateway.url + "/events")
    stalled = socket.socket()
    try:
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills up quickly
        stalled.connect(("127.0.0.1", gateway.port))
        stalled.sendall(b"GET /events HTTP/1.1\r\nHost: gateway\r\n\r\n")
        reader.wait_comment("connected")
        wait_for(lambda: "gateway_live_streams 2" in gateway.metrics(), timeout=10,
                 message="both streams open")

        count = 400  # about 13 MB: far more than the socket buffers of the stalled client hold
        stack.publish_many("book.updated", {**book(1), "description": "x" * 32000}, count)
        last, before = reader.wait_event(lambda e: e["data"]["seq"] == count - 1, timeout=60)
        assert [e["data"]["seq"] for e in before] == list(range(count - 1))
        wait_for(lambda: re.search(r"^gateway_live_dropped_streams_total 1$", gateway.metrics(), re.M),
                 timeout=30, message="the stalled client dropped")
    finally:
        stalled.close()
        reader.close()


def test_one_client_or_one_user_cannot_take_every_stream(stack):
    """Streams are capped per client address and per user (429, naming the limit), below the replica's
    cap, so one client cannot lock everyone else out (issue 13, finding 6)."""
    auth = stack.start_auth()
    gateway = stack.start_gateway(auth=auth, EVENTS_MAX_STREAMS_PER_CLIENT="3", EVENTS_MAX_STREAMS_PER_USER="2")
    account = Client(gateway).new_user("Alice")
    streams = []
    try:
        streams = [EventStream(gateway.url + "/events", headers=bearer(account.token)) for _ in range(2)]
        assert [s.status_code for s in streams] == [200, 200]
        third = requests.get(gateway.url + "/events", headers=bearer(account.token), timeout=10)
        assert third.status_code == 429
        assert problem(third)["detail"] == "too many live streams for this user"
        assert problem(third)["limit"] == "EVENTS_MAX_STREAMS_PER_USER"
        assert third.headers["Retry-After"] == "5"

        streams.append(EventStream(gateway.url + "/events"))  # the address's third
        assert streams[-1].status_code == 200
        fourth = requests.get(gateway.url + "/events", timeout=10)
        assert fourth.status_code == 429
        assert problem(fourth)["detail"] == "too many live streams from this address"
        assert problem(fourth)["limit"] == "EVENTS_MAX_STREAMS_PER_CLIENT"

        streams.pop().close()  # closing one frees the slot
        wait_for(lambda: "gateway_live_streams 2" in gateway.metrics(), timeout=10, message="stream closed")
        again = EventStream(gateway.url + "/events")
        streams.append(again)
        assert again.status_code == 200
    finally:
        for stream in streams:
            stream.close()
