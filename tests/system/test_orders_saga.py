"""The order saga under concurrency and faults (DESIGN §4), with the real auth, catalog and orders on the
test MariaDB and RabbitMQ: many buyers for few copies, catalog stopped, duplicated events, the payment
timeout, a deleted book, two orders replicas, the owner's live stream. After each test the store fixture
waits until `./bookstore verify` reports every invariant holding (see test_orders_fixtures.py)."""

import concurrent.futures
import json
import queue
import threading
from decimal import Decimal

import requests

from support import wait_for
from test_orders_fixtures import body, money, store  # noqa: F401  (store is the fixture)


def test_sixty_buyers_for_twenty_copies(store):
    # A generous confirmation timeout: this test is about who gets a copy, not about speed.
    store.start(ORDER_CONFIRM_TIMEOUT="30s")
    seller = store.user("seller")
    buyers = store.users("buyer", 60)
    book = store.book(seller, stock=20)

    with concurrent.futures.ThreadPoolExecutor(60) as pool:
        answers = list(pool.map(lambda b: store.place(b, {"book_id": book["id"], "quantity": 1}), buyers))

    codes = [a.status_code for a in answers]
    assert codes.count(201) == 20 and codes.count(409) == 40, [(a.status_code, a.text[:200]) for a in answers]
    assert store.stock(book["id"]) == 0
    assert store.orders_sql("SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status") == [
        ["awaiting_payment", "20"], ["rejected", "40"]]


def test_orders_placed_while_catalog_is_down_complete_when_it_is_back(store):
    store.start(ORDER_CONFIRM_TIMEOUT="1s")
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, stock=10)
    store.catalog.stop()

    answers = [store.place(buyer, {"book_id": book["id"], "quantity": 2}) for _ in range(3)]
    assert [a.status_code for a in answers] == [202, 202, 202], [a.text for a in answers]
    ids = [body(a)["id"] for a in answers]
    assert all(body(a)["status"] == "pending" and body(a)["total_price"] is None for a in answers)
    assert answers[0].headers["Location"] == f"/orders/{ids[0]}"

    store.catalog.start()
    for order_id in ids:
        order = store.wait_status(buyer, order_id, "awaiting_payment")
        assert money(order["total_price"]) == Decimal("20.00")  # 2 x 10.00, from catalog
    assert store.stock(book["id"]) == 4
    assert store.pay(buyer, ids[0]).status_code == 200


def test_orders_cancelled_while_pending_give_their_stock_back_once_catalog_answers(store):
    # Cancelled before catalog saw them: catalog handles order.placed and order.cancelled in either order
    # (C1/C2 of services/orders/domain/SAGA.md); either way nothing stays reserved.
    store.start(ORDER_CONFIRM_TIMEOUT="500ms")
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, stock=10)
    store.catalog.stop()
    ids = [body(store.place(buyer, {"book_id": book["id"], "quantity": 3}))["id"] for _ in range(3)]
    for order_id in ids:
        cancelled = store.cancel(buyer, order_id)
        assert cancelled.status_code == 200 and body(cancelled)["status"] == "cancelled", cancelled.text

    store.catalog.start()
    store.assert_verified()
    assert store.stock(book["id"]) == 10
    assert [store.get_order(buyer, order_id)["status"] for order_id in ids] == ["cancelled"] * 3


def test_the_read_model_ignores_book_events_that_are_not_newer(store):
    store.start()
    seller = store.user("seller")
    book = store.book(seller, title="Original", stock=2)
    store.wait_read_model(book["id"])

    def event(version, title):
        data = {**{k: book[k] for k in ("id", "author", "description", "stock", "seller_id", "seller_name",
                                         "created_at", "updated_at")},
                "title": title, "price": 10, "version": version}
        event_id = f"test-{book['id']}-{version}-{title}"
        return event_id, json.dumps({"specversion": "1.0", "id": event_id, "source": "test", "type": "book.updated",
                                     "time": "2026-01-01T00:00:00.000Z", "data": data})

    stale_id, stale = event(1, "Stale")
    store.publish_raw("book.updated", stale_id, stale)
    wait_for(lambda: store.inbox_has(store.orders_db, stale_id), timeout=20, message="orders handled the stale event")
    assert store.orders_sql(f"SELECT title, version FROM books WHERE id = {book['id']}") == [["Original", "1"]]

    fresh_id, fresh = event(50, "Fresh")
    store.publish_raw("book.updated", fresh_id, fresh)
    wait_for(lambda: store.orders_sql(f"SELECT title, version FROM books WHERE id = {book['id']}") == [["Fresh", "50"]],
             timeout=20, message="orders took the newer version")


def test_order_placed_delivered_twice_reserves_once(store):
    store.start()
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, stock=5)
    order = body(store.place(buyer, {"book_id": book["id"], "quantity": 2}))
    assert order["status"] == "awaiting_payment"
    assert store.stock(book["id"]) == 3

    [(event_id, event_body)] = store.outbox("order.placed")
    assert json.loads(event_body)["data"] == {"order_id": order["id"], "user_id": buyer.id,
                                              "items": [{"book_id": book["id"], "quantity": 2}]}
    # The same message again, as a relay that crashed before marking it sent would publish it...
    store.publish_raw("order.placed", event_id, event_body)
    # ...and the same order under a new event id (a second order.placed for one order).
    changed = json.loads(event_body)
    changed["id"] = "dup-" + event_id
    store.publish_raw("order.placed", changed["id"], json.dumps(changed))

    wait_for(lambda: store.inbox_has(store.catalog_db, changed["id"]), timeout=20, message="catalog handled both")
    assert store.catalog_sql(f"SELECT COUNT(*) FROM bus_inbox WHERE event_id = '{event_id}'") == [["1"]]
    assert store.stock(book["id"]) == 3
    assert store.catalog_sql(f"SELECT COUNT(*), SUM(quantity) FROM reservations WHERE order_id = {order['id']}") == [
        ["1", "2"]]
    assert store.get_order(buyer, order["id"])["status"] == "awaiting_payment"


def test_an_unpaid_order_times_out_and_its_stock_comes_back(store):
    store.start(ORDER_PAYMENT_TIMEOUT="2s", ORDER_SWEEP_INTERVAL="200ms")
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, stock=3)
    order = body(store.place(buyer, {"book_id": book["id"], "quantity": 3}))
    assert order["status"] == "awaiting_payment" and order["payment_due_at"] is not None
    assert store.stock(book["id"]) == 0

    cancelled = store.wait_status(buyer, order["id"], "cancelled", timeout=30)
    assert cancelled["reason"] == "payment_timeout"
    wait_for(lambda: store.stock(book["id"]) == 3, timeout=20, message="stock back")
    assert store.pay(buyer, order["id"]).status_code == 409
    [(_, event_body)] = store.outbox("order.cancelled")
    assert json.loads(event_body)["data"] == {"order_id": order["id"], "user_id": buyer.id, "reason": "payment_timeout"}


def test_a_deleted_book_cancels_its_unpaid_orders(store):
    store.start()
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, stock=10)
    other = store.book(seller, stock=10)
    unpaid = body(store.place(buyer, {"items": [{"book_id": book["id"], "quantity": 2},
                                                {"book_id": other["id"], "quantity": 1}]}))
    paid = body(store.place(buyer, {"book_id": book["id"], "quantity": 1}))
    untouched = body(store.place(buyer, {"book_id": other["id"], "quantity": 1}))
    assert store.pay(buyer, paid["id"]).status_code == 200

    store.delete_book(seller, book["id"])

    cancelled = store.wait_status(buyer, unpaid["id"], "cancelled")
    assert cancelled["reason"] == "book_deleted"
    wait_for(lambda: store.stock(other["id"]) == 9, timeout=20, message="the other book's copy back")
    assert store.get_order(buyer, paid["id"])["status"] == "paid"
    assert store.get_order(buyer, untouched["id"])["status"] == "awaiting_payment"
    store.assert_verified()
    # the deleted book's copies went back to it too (supplied = stock + held by the paid order)
    assert store.catalog_sql(f"SELECT stock, stock_supplied FROM books WHERE id = {book['id']}") == [["9", "10"]]


def test_pay_racing_cancel_has_one_winner(store):
    store.start()
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, stock=20)
    orders = [body(store.place(buyer, {"book_id": book["id"], "quantity": 1})) for _ in range(8)]

    def race(order):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            pay = pool.submit(store.pay, buyer, order["id"])
            cancel = pool.submit(store.cancel, buyer, order["id"])
            return pay.result().status_code, cancel.result().status_code

    for order, (pay, cancel) in zip(orders, map(race, orders)):
        assert (pay, cancel) in {(200, 409), (409, 200)}, (pay, cancel)
        final = store.get_order(buyer, order["id"])["status"]
        assert final == ("paid" if pay == 200 else "cancelled")


def test_two_replicas_answer_whichever_consumed_the_outcome(store):
    store.start(orders_replicas=2, ORDER_CONFIRM_TIMEOUT="20s")
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, stock=40)

    def place(i):
        replica = store.orders[i % 2]
        return requests.post(replica.url + "/orders", json={"book_id": book["id"], "quantity": 1},
                             headers=buyer.headers, timeout=60)

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(place, range(30)))
    assert [a.status_code for a in answers] == [201] * 30, [a.text for a in answers if a.status_code != 201]
    assert store.stock(book["id"]) == 10


def test_order_events_reach_the_owners_live_stream(store):
    store.start(gateway=True)
    seller, buyer, stranger = store.user("seller"), store.user("buyer"), store.user("stranger")
    book = store.book(seller, stock=2)
    mine, theirs = EventStream(store.gateway.url, buyer.token), EventStream(store.gateway.url, stranger.token)
    try:
        order = body(store.place(buyer, {"book_id": book["id"], "quantity": 1}))
        assert store.pay(buyer, order["id"]).status_code == 200
        seen = set()

        def got_all():
            seen.update(t for t, data in mine.drain() if data.get("order_id") == order["id"])
            return {"order.placed", "order.stock_reserved", "order.paid"} <= seen

        wait_for(got_all, timeout=20, message="the buyer's order events")
        assert not [t for t, data in theirs.drain() if t.startswith("order.")]
    finally:
        mine.close()
        theirs.close()


class EventStream:
    """GET /events of the gateway read in a background thread: (type, data) pairs."""

    def __init__(self, url, token):
        self.events = queue.Queue()
        self.response = requests.get(url + "/events", headers={"Authorization": f"Bearer {token}"}, stream=True,
                                     timeout=(5, 60))
        assert self.response.status_code == 200, self.response.text
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        event_type = None
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith("event:"):
                    event_type = line[6:].strip()
                elif line.startswith("data:") and event_type:
                    try:
                        self.events.put((event_type, json.loads(line[5:].strip())))
                    except ValueError:
                        pass
                elif not line:
                    event_type = None
        except (requests.RequestException, AttributeError, ValueError):
            pass  # closed

    def drain(self):
        out = []
        while True:
            try:
                out.append(self.events.get_nowait())
            except queue.Empty:
                return out

    def close(self):
        self.response.close()
