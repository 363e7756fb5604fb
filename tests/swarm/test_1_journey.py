"""A shopper's journey on the live swarm, through the published edge only: the public API (users, books,
search, orders, payment, delivery, cancellation, the admin's view, the live event stream) and the web
store's pages. Nothing is disturbed here; the later files break things."""

from decimal import Decimal

import requests

from support import wait_for
from support.api import bearer, exact_json, json_text, money, problem
from support.events import EventStream

NO_CACHE = {"Cache-Control": "no-cache"}  # past the gateway's response cache


def stock(api, book_id):
    response = api.get(f"/books/{book_id}", headers=NO_CACHE)
    assert response.status_code == 200, response.text
    return response.json()["stock"]


def order_status(api, user, order_id, status, timeout=30):
    """Polls GET /orders/{id} until the order has that status; the order."""

    def reached():
        response = api.get(f"/orders/{order_id}", user)
        assert response.status_code == 200, response.text
        order = exact_json(response)
        return order if order["status"] == status else None

    return wait_for(reached, timeout=timeout, interval=0.2, message=f"order {order_id} {status}",
                    retry_on=(requests.RequestException,))


def page(url):
    response = requests.get(url, timeout=20)
    assert response.status_code == 200, (url, response.status_code, response.text[:500])
    assert response.headers.get("Content-Type", "").startswith("text/html"), response.headers
    return response.text


def test_a_shopper_journey_through_the_published_gateway(swarm, api, tag):
    seller = api.new_user(f"Seller {tag}")
    buyer = api.new_user(f"Buyer {tag}")
    assert seller.id != buyer.id and seller.role == buyer.role == "user"
    me = api.me(buyer.token)
    assert me.status_code == 200 and me.json()["email"] == buyer.email, me.text

    # The seller puts three books on sale; search finds exactly them (their titles hold this test's tag).
    specs = [("Dune", Decimal("12.50"), 5), ("Germinal", Decimal("7.25"), 4), ("Ulysses", Decimal("20.00"), 3)]
    books = []
    for word, price, copies in specs:
        body = {"title": f"{word} {tag}", "author": f"Author {tag}", "description": "Read once.", "price": price,
                "stock": copies}
        created = api.post("/books", None, seller, data=json_text(body).encode(),
                           headers={"Content-Type": "application/json"})
        assert created.status_code == 201, created.text
        book = exact_json(created)
        assert (book["title"], book["author"], money(book["price"]), book["stock"], book["seller_id"]) == \
            (body["title"], body["author"], price, copies, seller.id)
        books.append(book)
    dune, germinal, ulysses = books
    ids = sorted(book["id"] for book in books)

    def found():
        response = api.get(f"/books?q={tag}")
        assert response.status_code == 200, response.text
        listed = response.json()
        return (response, listed) if sorted(book["id"] for book in listed) == ids else None

    response, listed = wait_for(found, timeout=20, interval=0.2, message="search finds the three books")
    assert response.headers["X-Total-Count"] == "3"
    assert {book["title"] for book in listed} == {book["title"] for book in books}
    shown = api.get(f"/books/{dune['id']}")
    assert shown.status_code == 200 and shown.json()["title"] == dune["title"], shown.text

    stream = EventStream(swarm.gateway_url + "/events", headers=bearer(buyer.token))
    try:
        assert stream.status_code == 200
        stream.wait_comment("connected")

        # Two copies of Dune and one of Germinal; the same Idempotency-Key again is the same order.
        payload = {"items": [{"book_id": dune["id"], "quantity": 2}, {"book_id": germinal["id"], "quantity": 1}]}
        placed = api.post("/orders", payload, buyer, headers={"Idempotency-Key": f"{tag}-checkout"})
        assert placed.status_code in (201, 202), placed.text
        order_id = placed.json()["id"]
        again = api.post("/orders", payload, buyer, headers={"Idempotency-Key": f"{tag}-checkout"})
        assert again.status_code in (201, 202) and again.json()["id"] == order_id, again.text
        assert again.headers.get("Idempotent-Replayed") == "true"

        order = order_status(api, buyer, order_id, "awaiting_payment")
        assert [(i["book_id"], i["title"], i["quantity"], money(i["unit_price"])) for i in order["items"]] == \
            [(dune["id"], dune["title"], 2, Decimal("12.50")), (germinal["id"], germinal["title"], 1, Decimal("7.25"))]
        assert money(order["total_price"]) == Decimal("32.25")
        assert (stock(api, dune["id"]), stock(api, germinal["id"])) == (3, 3)
        assert api.get(f"/orders/{order_id}", seller).status_code == 403  # someone else's order

        # The buyer's live stream carries the buyer's own order events.
        event, _ = stream.wait_event(lambda e: (e["event"] or "").startswith("order.")
                                     and (e["data"] or {}).get("order_id") == order_id, timeout=30)
        assert event["id"]

        # Pay (the same key twice charges once), then choose a delivery provider.
        paid = api.post(f"/orders/{order_id}/pay", {"method": "credit_card"}, buyer,
                        headers={"Idempotency-Key": f"{tag}-pay"})
        assert paid.status_code == 200, paid.text
        payment = exact_json(paid)
        assert (payment["order_id"], money(payment["amount"]), payment["method"], payment["status"]) == \
            (order_id, Decimal("32.25"), "credit_card", "completed")
        replay = api.post(f"/orders/{order_id}/pay", {"method": "credit_card"}, buyer,
                          headers={"Idempotency-Key": f"{tag}-pay"})
        assert replay.status_code == 200 and replay.json()["id"] == payment["id"], replay.text
        twice = api.post(f"/orders/{order_id}/pay", {"method": "paypal"}, buyer)
        assert twice.status_code == 409 and problem(twice)["status"] == 409

        providers = api.get("/delivery-providers")
        assert providers.status_code == 200, providers.text
        by_name = {provider["name"]: provider for provider in providers.json()}
        assert {"DHL", "FedEx", "Envia", "Servientrega"} <= set(by_name), by_name
        delivered = api.post(f"/orders/{order_id}/delivery", {"provider_id": by_name["Servientrega"]["id"]}, buyer)
        assert delivered.status_code == 200, delivered.text
        delivery = exact_json(delivered)
        assert delivery["order_id"] == order_id and delivery["provider"] == "Servientrega"
        assert money(delivery["cost"]) == Decimal("15.00") and delivery["tracking_number"]
        order = order_status(api, buyer, order_id, "shipped")
        assert order["payment"]["id"] == payment["id"]
        assert order["delivery"]["tracking_number"] == delivery["tracking_number"]

        # Another order, cancelled before payment: its copies go back on the shelf.
        second = api.post("/orders", {"book_id": ulysses["id"], "quantity": 2}, buyer,
                          headers={"Idempotency-Key": f"{tag}-second"})
        assert second.status_code in (201, 202), second.text
        second_id = second.json()["id"]
        order_status(api, buyer, second_id, "awaiting_payment")
        assert stock(api, ulysses["id"]) == 1
        cancelled = api.post(f"/orders/{second_id}/cancel", None, buyer)
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "cancelled" and cancelled.json()["reason"] == "user"
        wait_for(lambda: stock(api, ulysses["id"]) == 3, timeout=30, interval=0.2, message="Ulysses back in stock")
        assert api.post(f"/orders/{second_id}/pay", {"method": "paypal"}, buyer).status_code == 409
        stream.wait_event(lambda e: e["event"] == "order.cancelled" and (e["data"] or {}).get("order_id") == second_id,
                          timeout=30)
    finally:
        stream.close()
    assert (stock(api, dune["id"]), stock(api, germinal["id"])) == (3, 3)  # sold copies stay sold

    # The buyer sees their two orders; the admin sees everyone's, these two among them.
    mine = api.get("/orders", buyer)
    assert mine.status_code == 200 and mine.headers["X-Total-Count"] == "2", mine.text
    assert {(o["id"], o["status"]) for o in mine.json()} == {(order_id, "shipped"), (second_id, "cancelled")}
    assert api.get("/orders?all=true", buyer).status_code == 403
    admin = swarm.admin(api)
    everyone = api.get("/orders?all=true&limit=200", admin)
    assert everyone.status_code == 200, everyone.text
    assert {order_id, second_id} <= {o["id"] for o in everyone.json()}  # newest first: ours are on page one

    # The web store's pages, rendered from the same catalog behind the same edge.
    book_page = page(f"{swarm.web_url}/books/{dune['id']}")
    assert dune["title"] in book_page and dune["author"] in book_page
    wait_for(lambda: all(book["title"] in page(f"{swarm.web_url}/books?q={tag}") for book in books), timeout=20,
             interval=0.5, message="the web catalog lists the three books")
    wait_for(lambda: ulysses["title"] in page(f"{swarm.web_url}/"), timeout=20, interval=0.5,
             message="the home page shows the newest book")


def test_the_published_ports_serve_no_operator_endpoints(swarm):
    """/metrics and the readiness checks' details are on each component's admin port, which only the
    internal network reaches; the health checks and `swarm verify` use it (issue 13, finding 9)."""
    for url in (swarm.gateway_url, swarm.web_url):
        assert requests.get(url + "/metrics", timeout=10).status_code == 404
        assert requests.get(url + "/readyz", timeout=10).json() == {"status": "ready"}
    for name in ("gateway", "web", "catalog"):
        client, container = swarm.any_container(name)
        assert "http_requests_total" in swarm.metrics(container, name, client)


def test_prometheus_scrapes_every_replica_and_evaluates_the_rules(swarm):
    """The stack's Prometheus finds each component's replicas through tasks.<service> and scrapes them
    on the admin port; BookStore's recording rules evaluate over what it scraped (deploy/prometheus/)."""
    for job in ("auth", "catalog", "orders", "gateway", "web"):
        swarm.wait_scraped(job)
    # The journey above placed orders: the census counted them and the rule carried the figure.
    wait_for(lambda: swarm.prometheus('sum(bookstore:orders_by_state) > 0'), timeout=90, interval=2,
             message="bookstore:orders_by_state recorded")
    wait_for(lambda: swarm.prometheus('queue:bus_queue_messages{queue="catalog.events"}'), timeout=90,
             interval=2, message="the depth of catalog.events recorded")
