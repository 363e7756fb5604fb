"""Orders end to end with the real auth, catalog and orders on the test MariaDB and RabbitMQ: placing,
paying, delivering, cancelling, idempotency, validation. After each test the store fixture waits until
`./bookstore verify` reports every invariant holding (see test_orders_fixtures.py)."""

import concurrent.futures
import json
from decimal import Decimal

import requests

from support import wait_for
from test_orders_fixtures import body, money, store  # noqa: F401  (store is the fixture)


def test_happy_path_one_item_place_pay_deliver(store):
    store.start(gateway=True)  # through the gateway, as the web client does
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, title="Dune", price="12.50", stock=3)

    placed = store.place(buyer, {"book_id": book["id"], "quantity": 2})
    assert placed.status_code == 201, placed.text
    order = body(placed)
    assert order["status"] == "awaiting_payment"
    assert order["user_id"] == buyer.id
    assert order["book_id"] == book["id"] and order["quantity"] == 2
    assert [(i["book_id"], i["title"], i["quantity"], money(i["unit_price"])) for i in order["items"]] == \
        [(book["id"], "Dune", 2, Decimal("12.50"))]
    assert money(order["total_price"]) == Decimal("25.00")
    assert placed.headers["Location"] == f"/orders/{order['id']}"
    assert store.stock(book["id"]) == 1

    paid = store.pay(buyer, order["id"], "paypal")
    assert paid.status_code == 200, paid.text
    payment = body(paid)
    assert payment["order_id"] == order["id"] and payment["method"] == "paypal"
    assert payment["status"] == "completed" and money(payment["amount"]) == Decimal("25.00")

    providers = requests.get(store.order_url + "/delivery-providers", timeout=10)
    assert providers.status_code == 200
    by_name = {p["name"]: p for p in body(providers)}
    assert {name: (money(p["cost"]), p["coverage_area"]) for name, p in by_name.items()} == {
        "DHL": (Decimal("50.00"), "Internacional"), "FedEx": (Decimal("45.00"), "Internacional"),
        "Envia": (Decimal("20.00"), "Nacional"), "Servientrega": (Decimal("15.00"), "Nacional")}

    delivered = requests.post(f"{store.order_url}/orders/{order['id']}/delivery", headers=buyer.headers,
                              json={"provider_id": by_name["Envia"]["id"]}, timeout=10)
    assert delivered.status_code == 200, delivered.text
    delivery = body(delivered)
    assert delivery["order_id"] == order["id"] and delivery["provider"] == "Envia"
    assert money(delivery["cost"]) == Decimal("20.00") and delivery["tracking_number"].startswith("ENVIA-")

    again = requests.post(f"{store.order_url}/orders/{order['id']}/delivery", headers=buyer.headers,
                          json={"provider_id": by_name["DHL"]["id"]}, timeout=10)
    assert again.status_code == 409

    shown = store.get_order(buyer, order["id"])
    assert shown["status"] == "shipped"
    assert shown["payment"]["id"] == payment["id"]
    assert shown["delivery"]["tracking_number"] == delivery["tracking_number"]
    assert store.stock(book["id"]) == 1  # sold copies stay taken


def test_three_items_from_two_sellers(store):
    store.start()
    ana, bob, buyer = store.user("ana"), store.user("bob"), store.user("buyer")
    first = store.book(ana, price="10.10", stock=5)
    second = store.book(ana, price="0.99", stock=5)
    third = store.book(bob, price="100.00", stock=1)
    items = [{"book_id": first["id"], "quantity": 3}, {"book_id": second["id"], "quantity": 1},
             {"book_id": third["id"], "quantity": 1}]

    placed = store.place(buyer, {"items": items})
    assert placed.status_code == 201, placed.text
    order = body(placed)
    assert [(i["book_id"], i["quantity"]) for i in order["items"]] == [(x["book_id"], x["quantity"]) for x in items]
    assert {i["book_id"]: i["seller_id"] for i in order["items"]} == {
        first["id"]: ana.id, second["id"]: ana.id, third["id"]: bob.id}
    assert money(order["total_price"]) == Decimal("131.29")  # 3 * 10.10 + 0.99 + 100.00, exactly
    assert order["book_id"] == first["id"] and order["quantity"] == 3
    assert [store.stock(b["id"]) for b in (first, second, third)] == [2, 4, 0]
    assert store.pay(buyer, order["id"], "bank_transfer").status_code == 200


def test_an_order_whose_second_item_is_short_reserves_nothing(store):
    store.start()
    seller, buyer = store.user("seller"), store.user("buyer")
    plenty = store.book(seller, title="Plenty", stock=10)
    scarce = store.book(seller, title="Scarce", stock=1)
    store.wait_read_model(plenty["id"], scarce["id"])  # so that the answer can name the books by title

    placed = store.place(buyer, {"items": [{"book_id": plenty["id"], "quantity": 2},
                                           {"book_id": scarce["id"], "quantity": 2}]})
    assert placed.status_code == 409, placed.text
    problem = body(placed)
    assert placed.headers["Content-Type"].startswith("application/problem+json")
    assert f'"Scarce" (book {scarce["id"]}): requested 2, 1 available' in problem["detail"]
    assert "Plenty" not in problem["detail"]
    assert problem["error"] == problem["detail"]
    assert problem["order"]["status"] == "rejected" and problem["order"]["reason"] == "insufficient_stock"
    assert store.stock(plenty["id"]) == 10 and store.stock(scarce["id"]) == 1
    assert store.get_order(buyer, problem["order_id"])["status"] == "rejected"
    assert store.pay(buyer, problem["order_id"]).status_code == 409
    assert store.cancel(buyer, problem["order_id"]).status_code == 409


def test_unknown_and_deleted_books_are_404(store):
    store.start()
    seller, buyer = store.user("seller"), store.user("buyer")

    unknown = store.place(buyer, {"book_id": 987654, "quantity": 1})  # catalog decides: book_not_found
    assert unknown.status_code == 404, unknown.text
    assert "987654" in body(unknown)["detail"]
    assert store.get_order(buyer, body(unknown)["order_id"])["status"] == "rejected"

    book = store.book(seller)
    store.delete_book(seller, book["id"])
    # Once the read model has the deletion, no order is written at all.
    wait_for(lambda: store.orders_sql(f"SELECT deleted FROM books WHERE id = {book['id']}") == [["1"]], timeout=20,
             message="read model saw the deletion")
    before = store.orders_sql("SELECT COUNT(*) FROM orders")
    deleted = store.place(buyer, {"items": [{"book_id": book["id"], "quantity": 1}]})
    assert deleted.status_code == 404, deleted.text
    assert str(book["id"]) in body(deleted)["detail"]
    assert store.orders_sql("SELECT COUNT(*) FROM orders") == before


def test_a_retried_post_with_the_same_idempotency_key_creates_one_order(store):
    store.start()
    seller, buyer, other = store.user("seller"), store.user("buyer"), store.user("other")
    book = store.book(seller, stock=5)
    payload = {"book_id": book["id"], "quantity": 2}

    first = store.place(buyer, payload, key="checkout-42")
    second = store.place(buyer, payload, key="checkout-42")
    assert first.status_code == 201 and second.status_code == 201, (first.text, second.text)
    assert body(first)["id"] == body(second)["id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert store.stock(book["id"]) == 3

    # The same key for another purchase is refused; another user's key is theirs alone.
    changed = store.place(buyer, {"book_id": book["id"], "quantity": 1}, key="checkout-42")
    assert changed.status_code == 422, changed.text
    assert body(changed)["field"] == "Idempotency-Key"
    theirs = store.place(other, payload, key="checkout-42")
    assert theirs.status_code == 201 and body(theirs)["id"] != body(first)["id"]

    # Retries racing each other still make one order.
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: store.place(buyer, {"book_id": book["id"], "quantity": 1}, key="race"),
                                range(6)))
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert len({body(a)["id"] for a in answers}) == 1
    assert store.orders_sql(f"SELECT COUNT(*) FROM orders WHERE user_id = {buyer.id}") == [["2"]]
    assert store.stock(book["id"]) == 0

    # A replay shows the order as it is now.
    store.cancel(buyer, body(first)["id"])
    replay = store.place(buyer, payload, key="checkout-42")
    assert replay.status_code == 201 and body(replay)["status"] == "cancelled"


def test_double_cancel_returns_the_stock_once(store):
    store.start()
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, stock=4)
    order = body(store.place(buyer, {"book_id": book["id"], "quantity": 3}))
    assert store.stock(book["id"]) == 1

    first = store.cancel(buyer, order["id"])
    assert first.status_code == 200, first.text
    assert body(first)["status"] == "cancelled" and body(first)["reason"] == "user"
    second = store.cancel(buyer, order["id"])
    assert second.status_code == 200 and body(second)["status"] == "cancelled"
    assert len(store.outbox("order.cancelled")) == 1
    wait_for(lambda: store.stock(book["id"]) == 4, timeout=20, message="stock back")
    store.assert_verified()
    assert store.stock(book["id"]) == 4
    assert store.pay(buyer, order["id"]).status_code == 409


def test_admin_cancels_and_lists_everyone(store):
    store.start()
    seller, buyer, stranger = store.user("seller"), store.user("buyer"), store.user("stranger")
    admin = store.admin_user()
    book = store.book(seller, stock=4)
    order = body(store.place(buyer, {"book_id": book["id"], "quantity": 1}))

    assert store.cancel(stranger, order["id"]).status_code == 403
    assert requests.get(f"{store.order_url}/orders/{order['id']}", headers=stranger.headers, timeout=10).status_code == 403
    assert requests.get(f"{store.order_url}/orders?all=true", headers=buyer.headers, timeout=10).status_code == 403
    everyone = requests.get(f"{store.order_url}/orders?all=true", headers=admin.headers, timeout=10)
    assert everyone.status_code == 200 and order["id"] in [o["id"] for o in body(everyone)]

    cancelled = store.cancel(admin, order["id"])
    assert cancelled.status_code == 200 and body(cancelled)["reason"] == "admin"
    mine = requests.get(f"{store.order_url}/orders?status=cancelled", headers=buyer.headers, timeout=10)
    assert [o["id"] for o in body(mine)] == [order["id"]] and mine.headers["X-Total-Count"] == "1"
    assert body(requests.get(f"{store.order_url}/orders?status=paid", headers=buyer.headers, timeout=10)) == []
    assert body(requests.get(f"{store.order_url}/orders", headers=stranger.headers, timeout=10)) == []


def test_paying_twice_with_the_same_key_charges_once(store):
    store.start()
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, price="7.25", stock=2)
    order = body(store.place(buyer, {"book_id": book["id"], "quantity": 2}))

    first = store.pay(buyer, order["id"], "credit_card", key="pay-1")
    again = store.pay(buyer, order["id"], "credit_card", key="pay-1")
    assert first.status_code == 200 and again.status_code == 200, (first.text, again.text)
    assert body(first)["id"] == body(again)["id"] and again.headers.get("Idempotent-Replayed") == "true"
    assert money(body(first)["amount"]) == Decimal("14.50")
    assert store.pay(buyer, order["id"], "paypal", key="pay-1").status_code == 422
    assert store.pay(buyer, order["id"], "credit_card").status_code == 409  # paid already, no key
    assert store.pay(buyer, order["id"], "credit_card", key="pay-2").status_code == 409
    assert store.orders_sql(f"SELECT COUNT(*) FROM payments WHERE order_id = {order['id']}") == [["1"]]
    assert len(store.outbox("order.paid")) == 1
    assert store.cancel(buyer, order["id"]).status_code == 409


def test_a_declined_payment_leaves_the_order_awaiting_payment(store):
    store.start()
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, stock=2)
    order = body(store.place(buyer, {"book_id": book["id"], "quantity": 1}))

    declined = store.pay(buyer, order["id"], "credit_card", key="try-1", simulate="decline")
    assert declined.status_code == 402, declined.text
    problem = body(declined)
    assert problem["payment"]["status"] == "declined" and "declined" in problem["detail"]
    assert store.get_order(buyer, order["id"])["status"] == "awaiting_payment"
    assert store.pay(buyer, order["id"], "credit_card", key="try-1").status_code == 402  # same key, same answer

    approved = store.pay(buyer, order["id"], "credit_card", key="try-2")
    assert approved.status_code == 200, approved.text
    shown = store.get_order(buyer, order["id"])
    assert shown["status"] == "paid" and shown["payment"]["id"] == body(approved)["id"]


def test_bad_requests_change_nothing(store):
    store.start()
    seller, buyer, other = store.user("seller"), store.user("buyer"), store.user("other")
    book = store.book(seller, stock=2)
    url = store.order_url + "/orders"

    assert requests.post(url, json={"book_id": book["id"]}, timeout=10).status_code == 401
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
        response = requests.post(url, data=text, headers={**buyer.headers, "Content-Type": "application/json"},
                                 timeout=10)
        assert response.status_code == status, (text, response.text)
        assert response.headers["Content-Type"].startswith("application/problem+json")
        if field:
            assert body(response)["field"] == field, text
    bad_key = store.place(buyer, {"book_id": book["id"]}, key="has space")
    assert bad_key.status_code == 400
    assert store.orders_sql("SELECT COUNT(*) FROM orders") == [["0"]]
    own = store.place(buyer, {"book_id": book["id"], "user_id": buyer.id})
    assert own.status_code == 201, own.text
    order_id = body(own)["id"]

    pay_url = f"{store.order_url}/orders/{order_id}/pay"
    assert requests.post(pay_url, json={"method": "cash"}, headers=buyer.headers, timeout=10).status_code == 400
    assert requests.post(pay_url, json={}, headers=buyer.headers, timeout=10).status_code == 400
    assert requests.post(pay_url, json={"method": "paypal"}, headers=other.headers, timeout=10).status_code == 403
    assert requests.post(f"{store.order_url}/orders/99999/pay", json={"method": "paypal"}, headers=buyer.headers,
                         timeout=10).status_code == 404
    delivery_url = f"{store.order_url}/orders/{order_id}/delivery"
    assert requests.post(delivery_url, json={"provider_id": 1}, headers=buyer.headers, timeout=10).status_code == 409
    assert requests.post(delivery_url, json={"provider_id": "DHL"}, headers=buyer.headers, timeout=10).status_code == 400
    assert requests.post(delivery_url, json={"provider_id": 99}, headers=buyer.headers, timeout=10).status_code == 404
    assert requests.get(f"{store.order_url}/orders/abc", headers=buyer.headers, timeout=10).status_code == 404
    assert requests.get(f"{store.order_url}/orders?status=lost", headers=buyer.headers, timeout=10).status_code == 400
    assert store.get_order(buyer, order_id)["status"] == "awaiting_payment"


def test_verify_reports_a_broken_invariant(store):
    store.start()
    seller, buyer = store.user("seller"), store.user("buyer")
    book = store.book(seller, stock=3)
    order = body(store.place(buyer, {"book_id": book["id"], "quantity": 1}))
    store.assert_verified()

    # A reservation that vanished behind the services' backs: the order no longer holds its copy.
    store.catalog_sql(f"UPDATE reservations SET status = 'released' WHERE order_id = {order['id']}")
    code, output = store.run_verify()
    assert code == 1, output
    assert "stock_accounting" in output and "reservation_missing" in output and f"order {order['id']}" in output
    store.catalog_sql(f"UPDATE reservations SET status = 'reserved' WHERE order_id = {order['id']}")
    code, output = store.run_verify()
    assert code == 0, output
