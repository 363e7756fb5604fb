"""The order saga under concurrency and faults (docs/design.md §4), with the real auth, catalog and orders on the
test MariaDB and RabbitMQ: many buyers for few copies, catalog stopped, duplicated events, the payment
timeout, a deleted book, two orders replicas, the owner's live stream. After each test the `verified`
fixture waits until `./bookstore verify` reports every invariant holding (see conftest.py)."""

import concurrent.futures
import json
import re
import subprocess
from decimal import Decimal

import pytest
import requests

from support import wait_for
from support.api import bearer, exact_json, money
from support.component import json_log_lines
from support.events import EventStream
from support.stack import ROOT

pytestmark = pytest.mark.usefixtures("verified")


def test_sixty_buyers_for_twenty_copies(stack):
    # A generous confirmation timeout: this test is about who gets a copy, not about speed.
    stack.start_store(ORDER_CONFIRM_TIMEOUT="30s")
    seller = stack.registered_user("seller")
    buyers = stack.registered_users(*(f"buyer{i}" for i in range(60)))
    book = stack.create_book(seller, stock=20)

    with concurrent.futures.ThreadPoolExecutor(60) as pool:
        answers = list(pool.map(lambda b: stack.place(b, {"book_id": book["id"], "quantity": 1}), buyers))

    codes = [a.status_code for a in answers]
    assert codes.count(201) == 20 and codes.count(409) == 40, [(a.status_code, a.text[:200]) for a in answers]
    assert stack.stock(book["id"]) == 0
    assert stack.database("orders").query("SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status") == [
        ["awaiting_payment", "20"], ["rejected", "40"]]


def test_orders_placed_while_catalog_is_down_complete_when_it_is_back(stack):
    stack.start_store(ORDER_CONFIRM_TIMEOUT="1s")
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=10)
    stack.catalog.stop()

    answers = [stack.place(buyer, {"book_id": book["id"], "quantity": 2}) for _ in range(3)]
    assert [a.status_code for a in answers] == [202, 202, 202], [a.text for a in answers]
    ids = [exact_json(a)["id"] for a in answers]
    assert all(exact_json(a)["status"] == "pending" and exact_json(a)["total_price"] is None for a in answers)
    assert answers[0].headers["Location"] == f"/orders/{ids[0]}"

    stack.catalog.start()
    for order_id in ids:
        order = stack.wait_status(buyer, order_id, "awaiting_payment")
        assert money(order["total_price"]) == Decimal("20.00")  # 2 x 10.00, from catalog
    assert stack.stock(book["id"]) == 4
    assert stack.pay(buyer, ids[0]).status_code == 200


def test_batches_killed_half_way_are_handled_once_after_the_restart(stack):
    """A backlog handled in batches, with the process killed (SIGKILL) once it has begun: first catalog
    while it reserves, then orders while it applies the answers. What a batch had done is rolled back with
    it, its events come back, and every order ends exactly as without the crashes."""
    # The kills are timed by the first log line of a batch: written at once, not after LOG_FLUSH_INTERVAL.
    every_line_at_once = {"LOG_FLUSH_INTERVAL": "0s"}
    stack.start_store(catalog_env=every_line_at_once, ORDER_CONFIRM_TIMEOUT="100ms", **every_line_at_once)
    seller = stack.registered_user("seller")
    buyers = stack.registered_users(*(f"buyer{i}" for i in range(40)))
    book = stack.create_book(seller, stock=150)
    stack.catalog.stop()
    # A backlog of several batches (AMQP_INBOX_BATCH, 32), so that the kill lands while they are handled.
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda b: stack.place(b, {"book_id": book["id"], "quantity": 1}), buyers * 6))
    assert {a.status_code for a in answers} == {202}, [(a.status_code, a.text[:200]) for a in answers]
    stack.orders.stop()  # the answers wait in orders.events

    def started(component, messages):
        return lambda: log_lines(component, lambda line: line.get("msg") in messages)

    stack.catalog.start()
    wait_for(started(stack.catalog, ("stock reserved", "stock rejected")), timeout=20, interval=0.002,
             message="catalog handling the backlog")
    stack.catalog.kill()
    stack.catalog.start()
    stack.orders.start()
    wait_for(started(stack.orders, ("order reserved; awaiting payment", "order rejected")), timeout=20,
             interval=0.002, message="orders applying the answers")
    stack.orders.kill()
    stack.orders.start()

    def settled():
        return stack.database("orders").query(
            "SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status") == [
                ["awaiting_payment", "150"], ["rejected", "90"]]

    wait_for(settled, timeout=60, message="every order answered: 150 awaiting payment, 90 rejected")
    assert stack.stock(book["id"]) == 0
    assert stack.database("catalog").scalar(
        f"SELECT COUNT(*) FROM reservations WHERE book_id = {book['id']} AND status = 'reserved'") == "150"


def test_orders_cancelled_while_pending_give_their_stock_back_once_catalog_answers(stack):
    # Cancelled before catalog saw them: catalog handles order.placed and order.cancelled in either order
    # (C1/C2 of services/orders/domain/SAGA.md); either way nothing stays reserved.
    stack.start_store(ORDER_CONFIRM_TIMEOUT="500ms")
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=10)
    stack.catalog.stop()
    ids = [exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 3}))["id"] for _ in range(3)]
    for order_id in ids:
        cancelled = stack.cancel(buyer, order_id)
        assert cancelled.status_code == 200 and exact_json(cancelled)["status"] == "cancelled", cancelled.text

    stack.catalog.start()
    stack.assert_verified()
    assert stack.stock(book["id"]) == 10
    assert [stack.get_order(buyer, order_id)["status"] for order_id in ids] == ["cancelled"] * 3


def test_the_read_model_ignores_book_events_that_are_not_newer(stack):
    stack.start_store()
    seller = stack.registered_user("seller")
    book = stack.create_book(seller, title="Original", stock=2)
    stack.wait_read_model(book["id"])

    def event(version, title):
        data = {**{k: book[k] for k in ("id", "author", "description", "stock", "seller_id", "seller_name",
                                         "created_at", "updated_at")},
                "title": title, "price": 10, "version": version}
        event_id = f"test-{book['id']}-{version}-{title}"
        return event_id, json.dumps({"specversion": "1.0", "id": event_id, "source": "test", "type": "book.updated",
                                     "time": "2026-01-01T00:00:00.000Z", "data": data})

    stale_id, stale = event(1, "Stale")
    stack.publish_raw("book.updated", stale_id, stale)
    wait_for(lambda: stack.inbox_has("orders", stale_id), timeout=20, message="orders handled the stale event")
    read_model = f"SELECT title, version FROM books WHERE id = {book['id']}"
    assert stack.database("orders").query(read_model) == [["Original", "1"]]

    fresh_id, fresh = event(50, "Fresh")
    stack.publish_raw("book.updated", fresh_id, fresh)
    wait_for(lambda: stack.database("orders").query(read_model) == [["Fresh", "50"]],
             timeout=20, message="orders took the newer version")


def test_order_placed_delivered_twice_reserves_once(stack):
    stack.start_store()
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=5)
    order = exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 2}))
    assert order["status"] == "awaiting_payment"
    assert stack.stock(book["id"]) == 3

    [(event_id, event_body)] = stack.outbox("orders", "order.placed")
    assert json.loads(event_body)["data"] == {"order_id": order["id"], "user_id": buyer.id,
                                              "items": [{"book_id": book["id"], "quantity": 2}]}
    # The same message again, as a relay that crashed before marking it sent would publish it...
    stack.publish_raw("order.placed", event_id, event_body)
    # ...and the same order under a new event id (a second order.placed for one order).
    changed = json.loads(event_body)
    changed["id"] = "dup-" + event_id
    stack.publish_raw("order.placed", changed["id"], json.dumps(changed))

    wait_for(lambda: stack.inbox_has("catalog", changed["id"]), timeout=20, message="catalog handled both")
    assert stack.database("catalog").query(f"SELECT COUNT(*) FROM bus_inbox WHERE event_id = '{event_id}'") == [["1"]]
    assert stack.stock(book["id"]) == 3
    assert stack.database("catalog").query(
        f"SELECT COUNT(*), SUM(quantity) FROM reservations WHERE order_id = {order['id']}") == [["1", "2"]]
    assert stack.get_order(buyer, order["id"])["status"] == "awaiting_payment"


def test_an_unpaid_order_times_out_and_its_stock_comes_back(stack):
    stack.start_store(ORDER_PAYMENT_TIMEOUT="2s", ORDER_SWEEP_INTERVAL="200ms")
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=3)
    order = exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 3}))
    assert order["status"] == "awaiting_payment" and order["payment_due_at"] is not None
    assert stack.stock(book["id"]) == 0

    cancelled = stack.wait_status(buyer, order["id"], "cancelled", timeout=30)
    assert cancelled["reason"] == "payment_timeout"
    wait_for(lambda: stack.stock(book["id"]) == 3, timeout=20, message="stock back")
    assert stack.pay(buyer, order["id"]).status_code == 409
    [(_, event_body)] = stack.outbox("orders", "order.cancelled")
    assert json.loads(event_body)["data"] == {"order_id": order["id"], "user_id": buyer.id, "reason": "payment_timeout"}


def test_a_deleted_book_cancels_its_unpaid_orders(stack):
    stack.start_store()
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=10)
    other = stack.create_book(seller, stock=10)
    unpaid = exact_json(stack.place(buyer, {"items": [{"book_id": book["id"], "quantity": 2},
                                                {"book_id": other["id"], "quantity": 1}]}))
    paid = exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 1}))
    untouched = exact_json(stack.place(buyer, {"book_id": other["id"], "quantity": 1}))
    assert stack.pay(buyer, paid["id"]).status_code == 200

    stack.delete_book(seller, book["id"])

    cancelled = stack.wait_status(buyer, unpaid["id"], "cancelled")
    assert cancelled["reason"] == "book_deleted"
    wait_for(lambda: stack.stock(other["id"]) == 9, timeout=20, message="the other book's copy back")
    assert stack.get_order(buyer, paid["id"])["status"] == "paid"
    assert stack.get_order(buyer, untouched["id"])["status"] == "awaiting_payment"
    stack.assert_verified()
    # the deleted book's copies went back to it too (supplied = stock + held by the paid order)
    assert stack.database("catalog").query(
        f"SELECT stock, stock_supplied FROM books WHERE id = {book['id']}") == [["9", "10"]]


def test_pay_racing_cancel_has_one_winner(stack):
    stack.start_store()
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=20)
    orders = [exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 1})) for _ in range(8)]

    def race(order):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            pay = pool.submit(stack.pay, buyer, order["id"])
            cancel = pool.submit(stack.cancel, buyer, order["id"])
            return pay.result().status_code, cancel.result().status_code

    for order, (pay, cancel) in zip(orders, map(race, orders)):
        assert (pay, cancel) in {(200, 409), (409, 200)}, (pay, cancel)
        final = stack.get_order(buyer, order["id"])["status"]
        assert final == ("paid" if pay == 200 else "cancelled")


def test_two_replicas_answer_whichever_consumed_the_outcome(stack):
    stack.start_store(orders=2, ORDER_CONFIRM_TIMEOUT="20s")
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=40)

    def place(i):
        replica = stack.replicas["orders"][i % 2]
        return requests.post(replica.url + "/orders", json={"book_id": book["id"], "quantity": 1},
                             headers=buyer.headers, timeout=60)

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(place, range(30)))
    assert [a.status_code for a in answers] == [201] * 30, [a.text for a in answers if a.status_code != 201]
    assert stack.stock(book["id"]) == 10


def test_order_events_reach_the_owners_live_stream(stack):
    stack.start_store(gateway=True)
    seller, buyer, stranger = stack.registered_users("seller", "buyer", "stranger")
    book = stack.create_book(seller, stock=2)
    mine = EventStream(stack.gateway.url + "/events", headers=bearer(buyer.token))
    theirs = EventStream(stack.gateway.url + "/events", headers=bearer(stranger.token))
    try:
        assert mine.status_code == 200 and theirs.status_code == 200
        order = exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 1}))
        assert stack.pay(buyer, order["id"]).status_code == 200
        seen = set()

        def got_all():
            seen.update(e["event"] for e in mine.drain() if (e["data"] or {}).get("order_id") == order["id"])
            return {"order.placed", "order.stock_reserved", "order.paid"} <= seen

        wait_for(got_all, timeout=20, message="the buyer's order events")
        assert not [e for e in theirs.drain() if (e["event"] or "").startswith("order.")]
    finally:
        mine.close()
        theirs.close()



def log_lines(component, predicate):
    """The JSON lines of the component's log that match predicate."""
    return [line for line in json_log_lines(component.log_text()) if predicate(line)]


def test_one_orders_trace_crosses_gateway_orders_bus_and_catalog(stack):
    """The gateway starts a trace for a request that brings none; orders continues it and puts it on
    order.placed; catalog continues it from the message and puts it on its answer; orders handles that
    answer in the same trace; each logs the trace_id, and `./bookstore logs --trace` gathers the lines."""
    stack.start_store(gateway=True)
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=2)
    events = stack.bound_event_log(["order.*"])

    placed = stack.place(buyer, {"book_id": book["id"], "quantity": 1})  # no traceparent header
    assert placed.status_code == 201, placed.text
    order_id = exact_json(placed)["id"]
    request_id = placed.headers["X-Request-ID"]

    access = wait_for(lambda: log_lines(stack.gateway, lambda line: line.get("request_id") == request_id),
                      timeout=10, message="the gateway's access log line of POST /orders")
    trace_id = access[0]["trace_id"]
    assert re.fullmatch("[0-9a-f]{32}", trace_id) and trace_id != "0" * 32, access

    saga = events.wait_for(lambda e: e["type"] in ("order.placed", "order.stock_reserved")
                           and e["data"]["order_id"] == order_id, count=2, what="order.placed and its answer")
    for event in saga:
        traceparent = events.traceparents[event["id"]]
        assert traceparent and traceparent.split("-")[1] == trace_id, (event["type"], traceparent, trace_id)

    def traced(component, **fields):
        return log_lines(component, lambda line: line.get("trace_id") == trace_id
                         and all(line.get(key) == value for key, value in fields.items()))

    # The access log line is written once the answer has gone out: it may come just after the client has it.
    wait_for(lambda: traced(stack.orders, msg="request", method="POST", path="/orders", status=201), timeout=10,
             message="orders' access log line of POST /orders in the trace")
    wait_for(lambda: traced(stack.catalog, msg="event", type="order.placed", outcome="handled"), timeout=20,
             message="catalog's log line of order.placed in the trace")
    wait_for(lambda: traced(stack.orders, msg="event", type="order.stock_reserved", outcome="handled"), timeout=20,
             message="orders' log line of order.stock_reserved in the trace")

    gathered = subprocess.run([str(ROOT / "bookstore"), "logs", "--trace", trace_id, "--dir", str(stack.log_dir)],
                              capture_output=True, text=True, timeout=60)
    assert gathered.returncode == 0, gathered.stderr
    lines = [json.loads(text) for text in gathered.stdout.splitlines()]
    assert all(line["trace_id"] == trace_id for line in lines), gathered.stdout
    assert {"gateway", "orders", "catalog"} <= {line["component"] for line in lines}, gathered.stdout
    assert [line["time"] for line in lines] == sorted(line["time"] for line in lines), gathered.stdout
