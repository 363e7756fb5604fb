"""What one user may hold unpaid, and how fast they may place orders (issue 13, finding 5): without these
one buyer could hold a book's whole stock for ORDER_PAYMENT_TIMEOUT, again and again. Every refusal is a
problem naming the setting that was hit, and changes nothing."""

import concurrent.futures

import pytest

from support.api import exact_json, problem

pytestmark = pytest.mark.usefixtures("verified")

LIMITS = {"ORDER_MAX_UNPAID_ORDERS": 2, "ORDER_MAX_UNPAID_COPIES": 3, "ORDER_RATE_LIMIT": 6, "ORDER_RATE_WINDOW": "10m"}


def refused(response, status, setting):
    assert response.status_code == status, response.text
    body = problem(response)
    assert body["limit"] == setting, body
    return body


def test_one_buyer_cannot_hold_a_books_whole_stock(stack):
    stack.start_store(**LIMITS)
    seller, hoarder, other = stack.registered_users("seller", "hoarder", "other")
    book = stack.create_book(seller, stock=10)

    first = stack.place(hoarder, {"book_id": book["id"], "quantity": 2})
    assert first.status_code == 201, first.text
    body = refused(stack.place(hoarder, {"book_id": book["id"], "quantity": 2}), 409, "ORDER_MAX_UNPAID_COPIES")
    assert body["max"] == 3 and body["book_id"] == book["id"]
    assert "2 already" in body["detail"]
    refused(stack.place(hoarder, {"book_id": book["id"], "quantity": 4}), 409, "ORDER_MAX_UNPAID_COPIES")
    assert stack.stock(book["id"]) == 8  # the refusals reserved nothing

    assert stack.place(other, {"book_id": book["id"], "quantity": 3}).status_code == 201  # others still can
    # Paid copies are no longer held unpaid: the buyer may order more.
    assert stack.pay(hoarder, exact_json(first)["id"]).status_code == 200
    assert stack.place(hoarder, {"book_id": book["id"], "quantity": 3}).status_code == 201
    assert stack.stock(book["id"]) == 2


def test_copies_are_counted_by_book_and_orders_written_before_their_count_still_count(stack):
    """Placement reads a buyer's copies book by book only when their total could pass the limit
    (migration 0011 keeps each order's copies in the index). An order written before that (copies 0, as
    the previous version wrote them during a rolling update) has its items read instead."""
    stack.start_store(**{**LIMITS, "ORDER_MAX_UNPAID_ORDERS": 3})
    seller, buyer = stack.registered_users("seller", "buyer")
    first, second = stack.create_book(seller, stock=10), stack.create_book(seller, stock=10)

    assert stack.place(buyer, {"book_id": first["id"], "quantity": 2}).status_code == 201
    # 4 copies in all would pass 3, but of two books: 2 of one and 2 of the other are within the limit.
    assert stack.place(buyer, {"book_id": second["id"], "quantity": 2}).status_code == 201
    orders = stack.database("orders")
    assert orders.query(f"SELECT copies FROM orders WHERE user_id = {buyer.id} ORDER BY id") == [["2"], ["2"]]

    orders.query(f"UPDATE orders SET copies = 0 WHERE user_id = {buyer.id}")
    body = refused(stack.place(buyer, {"book_id": first["id"], "quantity": 2}), 409, "ORDER_MAX_UNPAID_COPIES")
    assert body["book_id"] == first["id"] and "2 already" in body["detail"]
    assert stack.place(buyer, {"book_id": first["id"], "quantity": 1}).status_code == 201
    assert stack.stock(first["id"]) == 7 and stack.stock(second["id"]) == 8


def test_unpaid_orders_are_capped_until_one_is_paid_or_cancelled(stack):
    stack.start_store(**LIMITS)
    seller, buyer = stack.registered_users("seller", "buyer")
    books = [stack.create_book(seller, stock=5) for _ in range(3)]

    placed = [exact_json(stack.place(buyer, {"book_id": book["id"]})) for book in books[:2]]
    assert [order["status"] for order in placed] == ["awaiting_payment"] * 2
    body = refused(stack.place(buyer, {"book_id": books[2]["id"]}), 409, "ORDER_MAX_UNPAID_ORDERS")
    assert body["max"] == 2 and "pay or cancel" in body["detail"]
    assert stack.stock(books[2]["id"]) == 5

    assert stack.cancel(buyer, placed[0]["id"]).status_code == 200
    assert stack.place(buyer, {"book_id": books[2]["id"]}).status_code == 201


def test_order_creation_is_rate_limited(stack):
    stack.start_store(**{**LIMITS, "ORDER_MAX_UNPAID_ORDERS": 100, "ORDER_MAX_UNPAID_COPIES": 100})
    seller, buyer, other = stack.registered_users("seller", "buyer", "other")
    book = stack.create_book(seller, stock=50)
    for _ in range(6):
        order = stack.place(buyer, {"book_id": book["id"]})
        assert order.status_code == 201, order.text
        assert stack.cancel(buyer, exact_json(order)["id"]).status_code == 200  # cancelled ones count too
    response = stack.place(buyer, {"book_id": book["id"]})
    body = refused(response, 429, "ORDER_RATE_LIMIT")
    assert body["max"] == 6
    assert int(response.headers["Retry-After"]) > 0
    assert stack.place(other, {"book_id": book["id"]}).status_code == 201  # per user


def test_concurrent_orders_of_one_buyer_cannot_slip_past_the_limit_together(stack):
    """Each placement locks the buyer's own row first, so twenty at once are counted one after another
    (on two orders replicas), while another buyer's orders never wait for them."""
    stack.start_store(orders=2, gateway=True, **{**LIMITS, "ORDER_RATE_LIMIT": 1000})
    seller, buyer = stack.registered_users("seller", "buyer")
    books = [stack.create_book(seller, stock=2) for _ in range(20)]
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda book: stack.place(buyer, {"book_id": book["id"]}), books))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * 2 + [409] * 18, [answer.text for answer in answers if answer.status_code != 409]
    for answer in answers:
        if answer.status_code == 409:
            assert problem(answer)["limit"] == "ORDER_MAX_UNPAID_ORDERS"
    assert sum(stack.stock(book["id"]) for book in books) == 2 * 20 - 2
