"""Catalog's side of the order saga (docs/design.md §4): order.placed and order.cancelled published by hand, as
orders would, and what catalog does about them: reservations, stock, order.stock_reserved /
order.stock_rejected and book.stock_changed, each exactly once.

The catalog here consumes with one worker, so events are handled in the order they were published: a
marker event published after a duplicate proves the duplicate has been handled (and did nothing)."""

import secrets
from decimal import Decimal

import pytest


@pytest.fixture(scope="module")
def store(module_stack):
    """auth and a catalog consuming with one worker (see above) for this module."""
    return module_stack.start_store(orders=0, catalog_env={"AMQP_CONSUMER_WORKERS": "1"})


def new_order_id():
    return 1_000_000 + secrets.randbelow(10**12)


def place(store, items, order_id=None, user_id=42, event_id=None):
    order_id = order_id or new_order_id()
    store.publish("order.placed", {"order_id": order_id, "user_id": user_id,
                                   "items": [{"book_id": book_id, "quantity": quantity} for book_id, quantity in items]},
                  event_id)
    return order_id


def cancel(store, order_id, event_id=None, user_id=42):
    store.publish("order.cancelled", {"order_id": order_id, "user_id": user_id, "reason": "user"}, event_id)


def settle(store):
    """Returns once every event published before has been handled: a marker order for a book of its own."""
    seller = store.signed_user("Marker")
    marker = store.create_book(seller, stock=1)
    store.events.wait_order_outcome(place(store, [(marker["id"], 1)]))


def reservations(store, order_id):
    rows = store.database("catalog").query(
        f"SELECT book_id, quantity, unit_price, status FROM reservations WHERE order_id = {order_id} ORDER BY book_id")
    return [(int(book_id), int(quantity), Decimal(price), status) for book_id, quantity, price, status in rows]


def stock_events(store, book_id):
    return [event for event in store.events.book_events(book_id) if event["type"] == "book.stock_changed"]


@pytest.fixture
def two_books(store):
    seller = store.signed_user("Saga Seller")
    first = store.create_book(seller, title="Ulysses", price=12.5, stock=3)
    second = store.create_book(seller, title="Dubliners", price=7.25, stock=1)
    return seller, first, second


def test_order_placed_reserves_every_item(store, two_books):
    seller, first, second = two_books
    order_id = place(store, [(first["id"], 2), (second["id"], 1)], user_id=501)

    outcome = store.events.wait_order_outcome(order_id)
    assert outcome["type"] == "order.stock_reserved"
    assert outcome["source"] == "catalog"
    assert outcome["data"] == {
        "order_id": order_id, "user_id": 501, "total_price": Decimal("32.25"),
        "items": [
            {"book_id": first["id"], "title": "Ulysses", "seller_id": seller.id, "quantity": 2,
             "unit_price": Decimal("12.5")},
            {"book_id": second["id"], "title": "Dubliners", "seller_id": seller.id, "quantity": 1,
             "unit_price": Decimal("7.25")},
        ]}
    assert reservations(store, order_id) == [(first["id"], 2, Decimal("12.50"), "reserved"),
                                             (second["id"], 1, Decimal("7.25"), "reserved")]
    assert store.get_book(first["id"])["stock"] == 1
    assert store.get_book(second["id"])["stock"] == 0
    for book, stock in ((first, 1), (second, 0)):
        changed = store.events.wait_for(lambda e, b=book: e["type"] == "book.stock_changed" and e["data"]["id"] == b["id"])
        assert [event["data"]["stock"] for event in changed] == [stock]
        assert changed[0]["data"]["version"] == 2
    store.assert_stock_invariant()


def test_one_short_item_reserves_nothing(store, two_books):
    _, first, second = two_books
    order_id = place(store, [(first["id"], 1), (second["id"], 2)])

    outcome = store.events.wait_order_outcome(order_id)
    assert outcome["type"] == "order.stock_rejected"
    assert outcome["data"] == {"order_id": order_id, "user_id": 42, "reason": "insufficient_stock",
                               "items": [{"book_id": second["id"], "requested": 2, "available": 1}]}
    assert reservations(store, order_id) == []
    assert store.get_book(first["id"])["stock"] == 3
    assert store.get_book(second["id"])["stock"] == 1
    settle(store)
    assert stock_events(store, first["id"]) == [] and stock_events(store, second["id"]) == []


def test_unknown_or_deleted_books_are_not_found(store, two_books):
    seller, first, second = two_books
    assert store.request("DELETE", f"/books/{second['id']}", seller).status_code == 200
    order_id = place(store, [(first["id"], 1), (second["id"], 1), (999_999_999_999, 1)])
    outcome = store.events.wait_order_outcome(order_id)
    assert outcome["type"] == "order.stock_rejected"
    assert outcome["data"]["reason"] == "book_not_found"
    assert outcome["data"]["items"] == [{"book_id": second["id"], "requested": 1, "available": 0},
                                        {"book_id": 999_999_999_999, "requested": 1, "available": 0}]
    assert store.get_book(first["id"])["stock"] == 3


def test_the_same_order_placed_delivered_twice_reserves_once(store, two_books):
    _, first, _ = two_books
    order_id = new_order_id()
    event_id = f"placed-{secrets.token_hex(8)}"
    place(store, [(first["id"], 1)], order_id=order_id, event_id=event_id)
    place(store, [(first["id"], 1)], order_id=order_id, event_id=event_id)  # a redelivery: same event id
    place(store, [(first["id"], 1)], order_id=order_id)  # published again with a new id: still one order
    settle(store)

    outcomes = store.events.matching(lambda e: e["type"].startswith("order.stock_") and e["data"]["order_id"] == order_id)
    assert [event["type"] for event in outcomes] == ["order.stock_reserved"]
    assert reservations(store, order_id) == [(first["id"], 1, Decimal("12.50"), "reserved")]
    assert store.get_book(first["id"])["stock"] == 2
    assert len(stock_events(store, first["id"])) == 1
    store.assert_stock_invariant()


def test_order_cancelled_twice_releases_once(store, two_books):
    _, first, second = two_books
    order_id = place(store, [(first["id"], 2), (second["id"], 1)])
    assert store.events.wait_order_outcome(order_id)["type"] == "order.stock_reserved"

    event_id = new_order_id()
    cancel(store, order_id, event_id=f"cancel-{event_id}")
    cancel(store, order_id, event_id=f"cancel-{event_id}")  # redelivered
    cancel(store, order_id)  # a second cancellation event
    settle(store)

    assert store.get_book(first["id"])["stock"] == 3
    assert store.get_book(second["id"])["stock"] == 1
    assert [status for *_, status in reservations(store, order_id)] == ["released", "released"]
    assert [e["data"]["stock"] for e in stock_events(store, first["id"])] == [1, 3]
    assert [e["data"]["version"] for e in stock_events(store, first["id"])] == [2, 3]
    assert [e["data"]["stock"] for e in stock_events(store, second["id"])] == [0, 1]
    assert store.database("catalog").scalar(f"SELECT state FROM saga_orders WHERE order_id = {order_id}") == "released"
    store.assert_stock_invariant()


def test_cancellation_before_its_order_placed_reserves_nothing(store, two_books):
    _, first, _ = two_books
    order_id = new_order_id()
    cancel(store, order_id)
    place(store, [(first["id"], 1)], order_id=order_id)
    settle(store)
    assert reservations(store, order_id) == []
    assert store.get_book(first["id"])["stock"] == 3
    assert store.events.matching(lambda e: e["type"].startswith("order.stock_") and e["data"]["order_id"] == order_id) == []


def test_cancelling_a_rejected_order_changes_nothing(store, two_books):
    _, first, second = two_books
    order_id = place(store, [(second["id"], 5)])
    assert store.events.wait_order_outcome(order_id)["type"] == "order.stock_rejected"
    cancel(store, order_id)
    settle(store)
    assert store.get_book(second["id"])["stock"] == 1
    assert store.get_book(first["id"])["stock"] == 3


def test_a_sellers_stock_update_keeps_reserved_copies_held(store, two_books):
    seller, first, _ = two_books
    order_id = place(store, [(first["id"], 2)])
    assert store.events.wait_order_outcome(order_id)["type"] == "order.stock_reserved"
    assert store.get_book(first["id"])["stock"] == 1

    # PUT stock sets what can be bought now; the 2 reserved copies stay with the order...
    response = store.request("PUT", f"/books/{first['id']}", seller, json={"stock": 5})
    assert response.status_code == 200 and response.json()["stock"] == 5
    store.assert_stock_invariant()
    # ...and come back on top of it when the order is cancelled.
    cancel(store, order_id)
    settle(store)
    assert store.get_book(first["id"])["stock"] == 7
    store.assert_stock_invariant()


def test_stock_goes_back_to_a_deleted_book_quietly(store, two_books):
    seller, first, _ = two_books
    order_id = place(store, [(first["id"], 1)])
    assert store.events.wait_order_outcome(order_id)["type"] == "order.stock_reserved"
    assert store.request("DELETE", f"/books/{first['id']}", seller).status_code == 200
    cancel(store, order_id)
    settle(store)
    assert store.database("catalog").scalar(f"SELECT stock FROM books WHERE id = {first['id']}") == "3"
    assert [e["type"] for e in store.events.book_events(first["id"])] == [
        "book.created", "book.stock_changed", "book.deleted"]  # no stock_changed for the deleted book
    store.assert_stock_invariant()


def test_malformed_order_events_do_not_block_the_queue(store, two_books):
    _, first, _ = two_books
    bad_placed = store.publish("order.placed", {"order_id": "seven", "items": []})
    bad_cancelled = store.publish("order.cancelled", {"nothing": True})
    order_id = place(store, [(first["id"], 1)])
    assert store.events.wait_order_outcome(order_id)["type"] == "order.stock_reserved"
    # They end in catalog's dead-letter queue, for operators to look at.
    dead = store.event_log("catalog.events.dead")
    found = dead.wait_for(lambda e: e["id"] in (bad_placed, bad_cancelled), 2)
    assert sorted(event["type"] for event in found) == ["order.cancelled", "order.placed"]


def test_events_waiting_together_are_handled_as_if_one_after_the_other(store):
    """Catalog stopped while the events pile up, so that its worker takes them in batches (up to
    AMQP_INBOX_BATCH at once): within a batch each event still sees what the ones before it did, for the
    same order (placed then cancelled) as for the same book (the last copies go to the first orders)."""
    seller = store.signed_user("Batch Seller")
    scarce = store.create_book(seller, title="Scarce", price=3, stock=2)
    plenty = store.create_book(seller, title="Plenty", price=5, stock=10)
    settle(store)
    store.catalog.stop()
    first = place(store, [(scarce["id"], 1), (plenty["id"], 1)])
    cancelled = place(store, [(scarce["id"], 1)])
    cancel(store, cancelled)  # gives its copy back before the next order asks
    second = place(store, [(scarce["id"], 1)])
    short = place(store, [(scarce["id"], 1), (plenty["id"], 2)])  # nothing of Scarce left: reserves nothing
    early = new_order_id()
    cancel(store, early)  # cancelled before it was placed: reserves nothing
    place(store, [(plenty["id"], 1)], order_id=early)
    duplicate = f"placed-{secrets.token_hex(8)}"
    again = place(store, [(plenty["id"], 3)], event_id=duplicate)
    place(store, [(plenty["id"], 3)], order_id=again, event_id=duplicate)  # the same event twice
    store.catalog.start()
    settle(store)

    def outcome(order_id):
        found = store.events.matching(lambda e: e["type"].startswith("order.stock_") and e["data"]["order_id"] == order_id)
        return [event["type"] for event in found]

    assert outcome(first) == ["order.stock_reserved"]
    assert outcome(cancelled) == ["order.stock_reserved"]
    assert outcome(second) == ["order.stock_reserved"]
    assert outcome(short) == ["order.stock_rejected"]
    assert outcome(early) == []
    assert outcome(again) == ["order.stock_reserved"]
    assert [status for *_, status in reservations(store, cancelled)] == ["released"]
    assert reservations(store, short) == []
    assert store.get_book(scarce["id"])["stock"] == 0
    assert store.get_book(plenty["id"])["stock"] == 10 - 1 - 3
    # However the events were batched, the last book.stock_changed of each book tells its stock now, and
    # versions only grow.
    for book, stock in ((scarce, 0), (plenty, 6)):
        changes = stock_events(store, book["id"])
        assert changes[-1]["data"]["stock"] == stock
        versions = [event["data"]["version"] for event in changes]
        assert versions == sorted(set(versions))
    store.assert_stock_invariant()
