"""Orders end to end with the real auth, catalog and orders on the test MariaDB and RabbitMQ: placing,
paying, delivering, cancelling, idempotency, validation. After each test the `verified` fixture waits until
`./bookstore verify` reports every invariant holding (see conftest.py)."""

import concurrent.futures
import json
from decimal import Decimal

import pytest

from support import wait_for
from support.api import exact_json, money

pytestmark = pytest.mark.usefixtures("verified")


def without_payment_and_delivery(order):
    """GET /orders/{id} adds the order's payment and delivery to what POST /orders answers."""
    return {key: value for key, value in order.items() if key not in ("payment", "delivery")}


def test_happy_path_one_item_place_pay_deliver(stack):
    stack.start_store(gateway=True)  # through the gateway, as the web client does
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, title="Dune", price=Decimal("12.50"), stock=3)

    placed = stack.place(buyer, {"book_id": book["id"], "quantity": 2})
    assert placed.status_code == 201, placed.text
    order = exact_json(placed)
    assert order["status"] == "awaiting_payment"
    assert order["user_id"] == buyer.id
    assert order["book_id"] == book["id"] and order["quantity"] == 2
    assert [(i["book_id"], i["title"], i["quantity"], money(i["unit_price"])) for i in order["items"]] == \
        [(book["id"], "Dune", 2, Decimal("12.50"))]
    assert money(order["total_price"]) == Decimal("25.00")
    assert placed.headers["Location"] == f"/orders/{order['id']}"
    # The answer is the order as stored (handed over by the consumer that committed it, not read again).
    assert without_payment_and_delivery(stack.get_order(buyer, order["id"])) == order
    assert stack.stock(book["id"]) == 1

    paid = stack.pay(buyer, order["id"], "paypal")
    assert paid.status_code == 200, paid.text
    payment = exact_json(paid)
    assert payment["order_id"] == order["id"] and payment["method"] == "paypal"
    assert payment["status"] == "completed" and money(payment["amount"]) == Decimal("25.00")

    providers = stack.request("GET", "/delivery-providers")
    assert providers.status_code == 200
    by_name = {p["name"]: p for p in exact_json(providers)}
    assert {name: (money(p["cost"]), p["coverage_area"]) for name, p in by_name.items()} == {
        "DHL": (Decimal("50.00"), "Internacional"), "FedEx": (Decimal("45.00"), "Internacional"),
        "Envia": (Decimal("20.00"), "Nacional"), "Servientrega": (Decimal("15.00"), "Nacional")}

    delivered = stack.request("POST", f"/orders/{order['id']}/delivery", buyer,
                              json={"provider_id": by_name["Envia"]["id"]})
    assert delivered.status_code == 200, delivered.text
    delivery = exact_json(delivered)
    assert delivery["order_id"] == order["id"] and delivery["provider"] == "Envia"
    assert money(delivery["cost"]) == Decimal("20.00") and delivery["tracking_number"].startswith("ENVIA-")

    again = stack.request("POST", f"/orders/{order['id']}/delivery", buyer, json={"provider_id": by_name["DHL"]["id"]})
    assert again.status_code == 409

    shown = stack.get_order(buyer, order["id"])
    assert shown["status"] == "shipped"
    assert shown["payment"]["id"] == payment["id"]
    assert shown["delivery"]["tracking_number"] == delivery["tracking_number"]
    assert stack.stock(book["id"]) == 1  # sold copies stay taken


def test_three_items_from_two_sellers(stack):
    stack.start_store()
    ana, bob, buyer = stack.registered_users("ana", "bob", "buyer")
    first = stack.create_book(ana, price=Decimal("10.10"), stock=5)
    second = stack.create_book(ana, price=Decimal("0.99"), stock=5)
    third = stack.create_book(bob, price=Decimal("100.00"), stock=1)
    items = [{"book_id": first["id"], "quantity": 3}, {"book_id": second["id"], "quantity": 1},
             {"book_id": third["id"], "quantity": 1}]

    placed = stack.place(buyer, {"items": items})
    assert placed.status_code == 201, placed.text
    order = exact_json(placed)
    assert [(i["book_id"], i["quantity"]) for i in order["items"]] == [(x["book_id"], x["quantity"]) for x in items]
    assert {i["book_id"]: i["seller_id"] for i in order["items"]} == {
        first["id"]: ana.id, second["id"]: ana.id, third["id"]: bob.id}
    assert money(order["total_price"]) == Decimal("131.29")  # 3 * 10.10 + 0.99 + 100.00, exactly
    assert order["book_id"] == first["id"] and order["quantity"] == 3
    assert [stack.stock(b["id"]) for b in (first, second, third)] == [2, 4, 0]
    assert stack.pay(buyer, order["id"], "bank_transfer").status_code == 200


def test_an_order_whose_second_item_is_short_reserves_nothing(stack):
    stack.start_store()
    seller, buyer = stack.registered_users("seller", "buyer")
    plenty = stack.create_book(seller, title="Plenty", stock=10)
    scarce = stack.create_book(seller, title="Scarce", stock=1)
    stack.wait_read_model(plenty["id"], scarce["id"])  # so that the answer can name the books by title

    placed = stack.place(buyer, {"items": [{"book_id": plenty["id"], "quantity": 2},
                                           {"book_id": scarce["id"], "quantity": 2}]})
    assert placed.status_code == 409, placed.text
    problem = exact_json(placed)
    assert placed.headers["Content-Type"].startswith("application/problem+json")
    assert f'"Scarce" (book {scarce["id"]}): requested 2, 1 available' in problem["detail"]
    assert "Plenty" not in problem["detail"]
    assert problem["error"] == problem["detail"]
    assert problem["order"]["status"] == "rejected" and problem["order"]["reason"] == "insufficient_stock"
    assert stack.stock(plenty["id"]) == 10 and stack.stock(scarce["id"]) == 1
    # The answer carries the order as the consumer committed it (handed over, not read again): the
    # same as reading it afterwards.
    assert without_payment_and_delivery(stack.get_order(buyer, problem["order_id"])) == problem["order"]
    assert stack.pay(buyer, problem["order_id"]).status_code == 409
    assert stack.cancel(buyer, problem["order_id"]).status_code == 409


def test_unknown_and_deleted_books_are_404(stack):
    stack.start_store()
    seller, buyer = stack.registered_users("seller", "buyer")

    unknown = stack.place(buyer, {"book_id": 987654, "quantity": 1})  # catalog decides: book_not_found
    assert unknown.status_code == 404, unknown.text
    assert "987654" in exact_json(unknown)["detail"]
    assert stack.get_order(buyer, exact_json(unknown)["order_id"])["status"] == "rejected"

    book = stack.create_book(seller, stock=5)
    stack.delete_book(seller, book["id"])
    # Once the read model has the deletion, no order is written at all.
    wait_for(lambda: stack.database("orders").query(f"SELECT deleted FROM books WHERE id = {book['id']}") == [["1"]],
             timeout=20, message="read model saw the deletion")
    before = stack.database("orders").query("SELECT COUNT(*) FROM orders")
    deleted = stack.place(buyer, {"items": [{"book_id": book["id"], "quantity": 1}]})
    assert deleted.status_code == 404, deleted.text
    assert str(book["id"]) in exact_json(deleted)["detail"]
    assert stack.database("orders").query("SELECT COUNT(*) FROM orders") == before


def test_a_retried_post_with_the_same_idempotency_key_creates_one_order(stack):
    stack.start_store()
    seller, buyer, other = stack.registered_users("seller", "buyer", "other")
    book = stack.create_book(seller, stock=5)
    payload = {"book_id": book["id"], "quantity": 2}

    first = stack.place(buyer, payload, key="checkout-42")
    second = stack.place(buyer, payload, key="checkout-42")
    assert first.status_code == 201 and second.status_code == 201, (first.text, second.text)
    assert exact_json(first)["id"] == exact_json(second)["id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert stack.stock(book["id"]) == 3

    # The same key for another purchase is refused; another user's key is theirs alone.
    changed = stack.place(buyer, {"book_id": book["id"], "quantity": 1}, key="checkout-42")
    assert changed.status_code == 422, changed.text
    assert exact_json(changed)["field"] == "Idempotency-Key"
    theirs = stack.place(other, payload, key="checkout-42")
    assert theirs.status_code == 201 and exact_json(theirs)["id"] != exact_json(first)["id"]

    # Retries racing each other still make one order.
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: stack.place(buyer, {"book_id": book["id"], "quantity": 1}, key="race"),
                                range(6)))
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert len({exact_json(a)["id"] for a in answers}) == 1
    assert stack.database("orders").query(f"SELECT COUNT(*) FROM orders WHERE user_id = {buyer.id}") == [["2"]]
    assert stack.stock(book["id"]) == 0

    # A replay shows the order as it is now.
    stack.cancel(buyer, exact_json(first)["id"])
    replay = stack.place(buyer, payload, key="checkout-42")
    assert replay.status_code == 201 and exact_json(replay)["status"] == "cancelled"


def test_double_cancel_returns_the_stock_once(stack):
    stack.start_store()
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=4)
    order = exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 3}))
    assert stack.stock(book["id"]) == 1

    first = stack.cancel(buyer, order["id"])
    assert first.status_code == 200, first.text
    assert exact_json(first)["status"] == "cancelled" and exact_json(first)["reason"] == "user"
    second = stack.cancel(buyer, order["id"])
    assert second.status_code == 200 and exact_json(second)["status"] == "cancelled"
    assert len(stack.outbox("orders", "order.cancelled")) == 1
    wait_for(lambda: stack.stock(book["id"]) == 4, timeout=20, message="stock back")
    stack.assert_verified()
    assert stack.stock(book["id"]) == 4
    assert stack.pay(buyer, order["id"]).status_code == 409


def test_admin_cancels_and_lists_everyone(stack):
    stack.start_store()
    seller, buyer, stranger = stack.registered_users("seller", "buyer", "stranger")
    admin = stack.registered_admin()
    book = stack.create_book(seller, stock=4)
    order = exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 1}))

    assert stack.cancel(stranger, order["id"]).status_code == 403
    assert stack.request("GET", f"/orders/{order['id']}", stranger).status_code == 403
    assert stack.request("GET", "/orders?all=true", buyer).status_code == 403
    everyone = stack.request("GET", "/orders?all=true", admin)
    assert everyone.status_code == 200 and order["id"] in [o["id"] for o in exact_json(everyone)]

    cancelled = stack.cancel(admin, order["id"])
    assert cancelled.status_code == 200 and exact_json(cancelled)["reason"] == "admin"
    mine = stack.request("GET", "/orders?status=cancelled", buyer)
    assert [o["id"] for o in exact_json(mine)] == [order["id"]] and mine.headers["X-Total-Count"] == "1"
    assert exact_json(stack.request("GET", "/orders?status=paid", buyer)) == []
    assert exact_json(stack.request("GET", "/orders", stranger)) == []


def test_paying_twice_with_the_same_key_charges_once(stack):
    stack.start_store()
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, price=Decimal("7.25"), stock=2)
    order = exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 2}))

    first = stack.pay(buyer, order["id"], "credit_card", key="pay-1")
    again = stack.pay(buyer, order["id"], "credit_card", key="pay-1")
    assert first.status_code == 200 and again.status_code == 200, (first.text, again.text)
    assert exact_json(first)["id"] == exact_json(again)["id"] and again.headers.get("Idempotent-Replayed") == "true"
    assert money(exact_json(first)["amount"]) == Decimal("14.50")
    assert stack.pay(buyer, order["id"], "paypal", key="pay-1").status_code == 422
    assert stack.pay(buyer, order["id"], "credit_card").status_code == 409  # paid already, no key
    assert stack.pay(buyer, order["id"], "credit_card", key="pay-2").status_code == 409
    assert stack.database("orders").query(f"SELECT COUNT(*) FROM payments WHERE order_id = {order['id']}") == [["1"]]
    assert len(stack.outbox("orders", "order.paid")) == 1
    assert stack.cancel(buyer, order["id"]).status_code == 409


def test_a_declined_payment_leaves_the_order_awaiting_payment(stack):
    stack.start_store()
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=2)
    order = exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 1}))

    declined = stack.pay(buyer, order["id"], "credit_card", key="try-1", simulate="decline")
    assert declined.status_code == 402, declined.text
    problem = exact_json(declined)
    assert problem["payment"]["status"] == "declined" and "declined" in problem["detail"]
    assert stack.get_order(buyer, order["id"])["status"] == "awaiting_payment"
    assert stack.pay(buyer, order["id"], "credit_card", key="try-1").status_code == 402  # same key, same answer

    approved = stack.pay(buyer, order["id"], "credit_card", key="try-2")
    assert approved.status_code == 200, approved.text
    shown = stack.get_order(buyer, order["id"])
    assert shown["status"] == "paid" and shown["payment"]["id"] == exact_json(approved)["id"]


def test_bad_requests_change_nothing(stack):
    stack.start_store()
    seller, buyer, other = stack.registered_users("seller", "buyer", "other")
    book = stack.create_book(seller, stock=2)
    assert stack.request("POST", "/orders", json={"book_id": book["id"]}).status_code == 401
    cases = [
        ("not json", 400, None), ("[1]", 400, None), ("{}", 400, "book_id"),
        (json.dumps({"book_id": book["id"], "quantity": 0}), 400, "quantity"),
        (json.dumps({"book_id": book["id"], "quantity": 1001}), 400, "quantity"),
        (json.dumps({"book_id": "x"}), 400, "book_id"),
        (json.dumps({"items": []}), 400, "items"),
        (json.dumps({"items": [{"book_id": book["id"]}]}), 400, "items[0].quantity"),
        (json.dumps({"book_id": book["id"], "user_id": other.id}), 403, None),
    ]
    for text, status, field in cases:
        response = stack.request("POST", "/orders", buyer, data=text, headers={"Content-Type": "application/json"})
        assert response.status_code == status, (text, response.text)
        assert response.headers["Content-Type"].startswith("application/problem+json")
        if field:
            assert exact_json(response)["field"] == field, text
    bad_key = stack.place(buyer, {"book_id": book["id"]}, key="has space")
    assert bad_key.status_code == 400
    assert stack.database("orders").query("SELECT COUNT(*) FROM orders") == [["0"]]
    own = stack.place(buyer, {"book_id": book["id"], "user_id": buyer.id})
    assert own.status_code == 201, own.text
    order_id = exact_json(own)["id"]

    pay = f"/orders/{order_id}/pay"
    assert stack.request("POST", pay, buyer, json={"method": "cash"}).status_code == 400
    assert stack.request("POST", pay, buyer, json={}).status_code == 400
    assert stack.request("POST", pay, other, json={"method": "paypal"}).status_code == 403
    assert stack.request("POST", "/orders/99999/pay", buyer, json={"method": "paypal"}).status_code == 404
    delivery = f"/orders/{order_id}/delivery"
    assert stack.request("POST", delivery, buyer, json={"provider_id": 1}).status_code == 409
    assert stack.request("POST", delivery, buyer, json={"provider_id": "DHL"}).status_code == 400
    assert stack.request("POST", delivery, buyer, json={"provider_id": 99}).status_code == 404
    assert stack.request("GET", "/orders/abc", buyer).status_code == 404
    assert stack.request("GET", "/orders?status=lost", buyer).status_code == 400
    assert stack.get_order(buyer, order_id)["status"] == "awaiting_payment"


def test_verify_reports_a_broken_invariant(stack):
    stack.start_store()
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=3)
    order = exact_json(stack.place(buyer, {"book_id": book["id"], "quantity": 1}))
    stack.assert_verified()

    # A reservation that vanished behind the services' backs: the order no longer holds its copy.
    stack.database("catalog").query(f"UPDATE reservations SET status = 'released' WHERE order_id = {order['id']}")
    code, output = stack.run_verify()
    assert code == 1, output
    assert "stock_accounting" in output and "reservation_missing" in output and f"order {order['id']}" in output
    stack.database("catalog").query(f"UPDATE reservations SET status = 'reserved' WHERE order_id = {order['id']}")
    code, output = stack.run_verify()
    assert code == 0, output
