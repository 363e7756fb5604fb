"""Scaling catalog out and back under load: the gateways find the new replicas by themselves (DNS of
tasks.catalog, re-resolved every second) and send them work without being restarted; the replicas share
one queue, so book and order events are handled once by the service, not once per replica."""

import time

import pytest

from support import wait_for

SCALED = 4


@pytest.fixture
def catalog_back_to_two(swarm):
    """Leaves catalog at 2 replicas, whatever happened in the test."""
    yield
    if swarm.replicas("catalog")[1] != 2:
        swarm.scale("catalog", 2)
    swarm.wait_replicas("catalog", 2)


def named(queues):
    """The queues with a name of the topology (the gateways' own auto-delete ones are amq.gen-...)."""
    return {name: consumers for name, consumers in queues.items() if not name.startswith("amq.")}


def test_new_catalog_replicas_take_requests_and_share_the_event_queue(swarm, tag, load, settle, catalog_back_to_two):
    before = set(swarm.wait_replicas("catalog", 2))
    gateways = swarm.wait_replicas("gateway", 2)

    # Every replica consumes the one queue. Consumers register a moment after a (re)connection (a
    # RabbitMQ task the swarm restarted, the consumers' backoff): poll for the steady state.
    def both_replicas_consume():
        listed = named(swarm.queues())
        count = listed.get("catalog.events", 0)
        assert count > 0 and count % 2 == 0, f"consumers of catalog.events with 2 replicas: {listed}"
        return listed
    queues = wait_for(both_replicas_consume, timeout=60, interval=1,
                      message="catalog.events consumed by 2 replicas")
    consumers = queues["catalog.events"]

    # Reads the gateway's cache cannot answer (GET /books/{id} with no-cache, searches for words never
    # asked before), and orders all along.
    with load(readers=2, extra_reads=lambda thread, n: f"/books?q={tag}x{thread}x{n}") as traffic:
        traffic.wait_reads(20)
        swarm.scale("catalog", SCALED)
        scaled = set(swarm.wait_replicas("catalog", SCALED))
        added = scaled - before
        assert len(added) == SCALED - 2 and before <= scaled, (before, scaled)

        # Every new replica answers requests: its own request counter (http_requests_total) grows from 0.
        def every_new_replica_serves():
            counts = {container[:12]: swarm.served(container, "catalog") for container in added}
            assert all(count > 0 for count in counts.values()), f"requests answered by the new replicas: {counts}"
            return counts

        wait_for(every_new_replica_serves, timeout=60, interval=0.5, message="the new catalog replicas serving")
        # Prometheus finds them too (tasks.catalog, re-resolved every 15 s), with no change of its own.
        swarm.wait_scraped("catalog")
        assert swarm.containers("gateway", healthy=True) == gateways, "the gateways were restarted"

        # One durable queue for the service, consumed by every replica; no queue of a replica's own.
        def one_shared_queue():
            now = named(swarm.queues())
            assert now.get("catalog.events") == consumers // 2 * SCALED, f"{now}, before scaling {queues}"
            return now

        now = wait_for(one_shared_queue, timeout=60, interval=1, message="catalog.events consumed by 4 replicas")
        assert set(now) == set(queues), f"queues before scaling {sorted(queues)}, after {sorted(now)}"

        # Orders go on with four catalog replicas; settle() below finds each one reserved exactly once.
        traffic.wait_orders(10, since=time.monotonic())

        # And back to two under the same load.
        swarm.scale("catalog", 2)
        assert set(swarm.wait_replicas("catalog", 2)) <= scaled
        traffic.wait_reads(20, since=time.monotonic())

    assert traffic.count(lambda o: o.kind == "read") > 0 and traffic.orders()
    assert not traffic.failures(), traffic.summary()
    orders = settle(traffic)
    assert any(order["status"] == "awaiting_payment" for order in orders.values())
    swarm.assert_verified()
