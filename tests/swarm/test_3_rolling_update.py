"""Rolling updates under load drop nothing: `docker service update --force` replaces every task of catalog,
then orders, then the gateway (start-first, one at a time, as the stack configures them) while reads and
orders keep coming. Not one request may fail, and every order settles as its answer said."""

import time

SERVICES = ("catalog", "orders", "gateway")


def test_rolling_updates_fail_no_request(swarm, load, settle):
    before = {service: set(swarm.wait_replicas(service, 2)) for service in SERVICES}

    with load(readers=2) as traffic:
        traffic.wait_orders(5)
        for service in SERVICES:
            swarm.update(service)
            after = set(swarm.wait_replicas(service, 2))
            assert not after & before[service], f"{service}: tasks not replaced ({before[service]} -> {after})"
            # The store still takes orders once this service is replaced.
            traffic.wait_orders(5, since=time.monotonic())

    assert not traffic.failures(), traffic.summary()
    assert traffic.count(lambda o: o.kind == "read") > 0
    settle(traffic)
    swarm.assert_verified()
