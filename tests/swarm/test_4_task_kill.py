"""Killed tasks: while orders flow, one container of catalog and then one of orders is killed (SIGKILL,
no goodbye). Swarm starts replacements; the store keeps taking orders. A request caught by a kill may
fail, but only without an acknowledgement: every order that was answered 201, 202 or 409 settles as
answered, the failed ones resolve when retried with their Idempotency-Key, and the invariants hold."""

import time


def test_killed_catalog_and_orders_tasks_lose_no_acknowledged_order(swarm, load, settle):
    catalog = swarm.wait_replicas("catalog", 2)
    orders = swarm.wait_replicas("orders", 2)

    with load(readers=1) as traffic:
        traffic.wait_orders(10)
        killed = {"catalog": catalog[0], "orders": orders[0]}
        for service, container in killed.items():
            swarm.kill(container)
            traffic.wait_orders(5, since=time.monotonic())  # the surviving replica takes the orders
        for service, container in killed.items():
            replaced = swarm.wait_replicas(service, 2)
            assert container not in replaced, f"{service}: killed container {container[:12]} still running"
        traffic.wait_orders(5, since=time.monotonic())

    acknowledged = [outcome for outcome in traffic.orders() if outcome.acknowledged]
    assert acknowledged, traffic.summary()
    assert not traffic.odd_failures(), traffic.summary(traffic.odd_failures())
    settle(traffic, retry=True)
    swarm.assert_verified()
