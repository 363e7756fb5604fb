"""The book.* events catalog publishes through its outbox: exactly one per change, the whole book, and a
per-book version that only grows, also under concurrent updates (docs/events.md)."""

import concurrent.futures
import secrets
from decimal import Decimal

from support.api import exact_json

BOOK_DATA_FIELDS = {"id", "title", "author", "description", "price", "stock", "seller_id", "seller_name",
                    "created_at", "updated_at", "version"}


def test_one_event_per_change_with_growing_versions(store):
    seller = store.signed_user("Event Seller")
    book = store.create_book(seller, title="Nana", author="Émile Zola", price=7.5, stock=2)
    path = f"/books/{book['id']}"
    steps = [
        ({"title": "Nana (1880)"}, "book.updated"),
        ({"stock": 5}, "book.stock_changed"),  # stock alone
        ({"stock": 4, "price": 8.25}, "book.updated"),  # stock and more: still one event
        ({"stock": 4, "price": 8.25}, None),  # nothing changes: no event, no version
        ({}, None),
    ]
    for body, _ in steps:
        response = store.request("PUT", path, seller, json=body)
        assert response.status_code == 200, response.text
    assert store.request("DELETE", path, seller).status_code == 200

    expected = ["book.created"] + [kind for _, kind in steps if kind] + ["book.deleted"]
    events = store.events.wait_book_events(book["id"], len(expected))
    store.events.poll(wait_ms=500)  # anything extra would have been published before the last one
    events = store.events.book_events(book["id"])
    assert [event["type"] for event in events] == expected
    assert [event["data"]["version"] for event in events] == [1, 2, 3, 4, 5]

    for event in events:
        assert event["specversion"] == "1.0" and event["source"] == "catalog" and event["id"]
        assert set(event["data"]) - {"deleted"} == BOOK_DATA_FIELDS
        assert event["data"]["seller_name"] == "Event Seller"
    created, retitled, restocked, repriced, deleted = events
    assert created["data"]["price"] == Decimal("7.5") and created["data"]["stock"] == 2
    assert retitled["data"]["title"] == "Nana (1880)"
    assert restocked["data"]["stock"] == 5
    assert repriced["data"]["price"] == Decimal("8.25") and repriced["data"]["stock"] == 4
    assert deleted["data"]["deleted"] is True and deleted["data"]["title"] == "Nana (1880)"
    assert "deleted" not in repriced["data"]


def test_rejected_changes_emit_nothing(store):
    seller, other = store.signed_user(), store.signed_user()
    book = store.create_book(seller)
    path = f"/books/{book['id']}"
    assert store.request("PUT", path, other, json={"title": "Stolen"}).status_code == 403
    assert store.request("PUT", path, seller, json={"price": -1}).status_code == 400
    assert store.request("DELETE", path, other).status_code == 403
    assert store.request("POST", "/books", seller, json={"title": "", "author": "A", "price": 1, "stock": 1}
                         ).status_code == 400
    # A last, accepted change: everything before it has been published by the time it is.
    assert store.request("PUT", path, seller, json={"stock": 9}).status_code == 200
    events = store.events.wait_book_events(book["id"], 2)
    assert [event["type"] for event in events] == ["book.created", "book.stock_changed"]


def test_concurrent_updates_lose_no_event_and_never_repeat_a_version(store):
    seller = store.signed_user()
    book = store.create_book(seller, price=1, stock=1)
    path = f"/books/{book['id']}"
    writers = 24

    def change(i):
        # Every request changes something: half the price (book.updated), half the stock (book.stock_changed).
        body = {"price": 100 + i + 0.01} if i % 2 == 0 else {"stock": 100 + i}
        return store.request("PUT", path, seller, json=body)

    with concurrent.futures.ThreadPoolExecutor(max_workers=writers) as pool:
        responses = list(pool.map(change, range(writers)))
    assert [response.status_code for response in responses] == [200] * writers

    events = store.events.wait_book_events(book["id"], writers + 1)
    store.events.poll(wait_ms=500)
    events = store.events.book_events(book["id"])
    versions = [event["data"]["version"] for event in events]
    assert versions == list(range(1, writers + 2)), versions  # none lost, none repeated, in order
    assert sorted(event["type"] for event in events[1:]) == sorted(
        ["book.updated"] * (writers // 2) + ["book.stock_changed"] * (writers // 2))
    # The last event describes the book as it is now.
    final = store.get_book(book["id"])
    last = dict(events[-1]["data"])
    assert last.pop("version") == writers + 1
    assert last == final
    assert store.database("catalog").scalar(f"SELECT version FROM books WHERE id = {book['id']}") == str(writers + 1)


def test_concurrent_orders_never_oversell(store):
    seller = store.signed_user()
    book = store.create_book(seller, price=3, stock=5)
    orders = [900_000_000 + secrets.randbelow(10**8) * 100 + i for i in range(12)]
    for order_id in orders:
        store.publish("order.placed", {"order_id": order_id, "user_id": 77,
                                       "items": [{"book_id": book["id"], "quantity": 1}]})
    outcomes = [store.events.wait_order_outcome(order_id)["type"] for order_id in orders]
    assert outcomes.count("order.stock_reserved") == 5
    assert outcomes.count("order.stock_rejected") == 7
    assert store.get_book(book["id"])["stock"] == 0
    stock_events = store.events.wait_for(
        lambda e: e["type"] == "book.stock_changed" and e["data"]["id"] == book["id"], 5)
    assert sorted(event["data"]["stock"] for event in stock_events) == [0, 1, 2, 3, 4]
    assert len({event["data"]["version"] for event in stock_events}) == 5
    store.assert_stock_invariant()


def test_exact_prices_in_events(store):
    seller = store.signed_user()
    response = store.request("POST", "/books", seller, data=b'{"title":"T","author":"A","price":999999.99,"stock":1}',
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 201
    book = exact_json(response)
    event = store.events.wait_book_events(book["id"], 1)[0]
    assert event["data"]["price"] == Decimal("999999.99")
