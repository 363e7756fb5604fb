"""RabbitMQ, then MariaDB, restarted under load (`docker service update --force`; both are single
replicas updated stop-first, so each is really down for a while). Requests may fail while they are, but
nothing acknowledged is lost: every order answered 201, 202 or 409 still exists and settles as answered,
the unanswered ones resolve when retried with their Idempotency-Key, and the invariants hold."""

import time

from support import wait_for
from support.events import EventStream

STATELESS = ("auth", "catalog", "orders", "gateway", "web")


def test_restarting_rabbitmq_and_mariadb_loses_no_acknowledged_order(swarm, api, tag, load, settle):
    for service in STATELESS:
        swarm.wait_replicas(service, 2)

    with load(readers=1) as traffic:
        traffic.wait_orders(10)
        for service in ("rabbitmq", "mariadb"):
            before = swarm.wait_replicas(service, 1)
            swarm.update(service)
            after = swarm.wait_replicas(service, 1, timeout=300)
            assert after != before, f"{service}: the task was not replaced"
            # Back in business: orders placed from now on are acknowledged again (events flow too: the
            # settle() below finds every one of them reserved or rejected, none pending).
            traffic.wait_orders(5, since=time.monotonic(), timeout=180)

    acknowledged = [outcome for outcome in traffic.orders() if outcome.acknowledged]
    assert acknowledged, traffic.summary()
    assert not traffic.odd_failures(), traffic.summary(traffic.odd_failures())
    settle(traffic, retry=True, timeout=180)
    for service in STATELESS:
        swarm.wait_replicas(service, 2)

    swarm.assert_verified(timeout=180)

    # Live events flow again: the gateways subscribed anew after the broker came back. (Live events are
    # best-effort, so a change is made again until one reaches the stream.)
    seller = api.new_user(f"Live {tag}")
    created = api.post("/books", {"title": f"Live {tag}", "author": "Swarm Tester", "price": 3, "stock": 1}, seller)
    assert created.status_code == 201, created.text
    book_id = created.json()["id"]
    stream = EventStream(swarm.gateway_url + "/events")
    try:
        assert stream.status_code == 200
        stream.wait_comment("connected")
        changes = iter(range(2, 1000))

        def a_change_arrives():
            changed = api.request("PUT", f"/books/{book_id}", seller, json={"stock": next(changes)})
            assert changed.status_code == 200, changed.text
            try:
                stream.wait_event(lambda e: (e["data"] or {}).get("id") == book_id, timeout=3)
            except TimeoutError:
                return False
            return True

        wait_for(a_change_arrives, timeout=60, interval=0.1, message=f"an event of book {book_id} on /events",
                 retry_on=())
    finally:
        stream.close()
