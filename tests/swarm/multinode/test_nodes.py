"""Several nodes (`./bookstore swarm test --nodes 3`): each a Docker-in-Docker container on this machine,
node 1 the manager, node 2 labelled for MariaDB and node 3 for RabbitMQ. The placement constraints hold,
the edge runs on every node, and draining a node moves its tasks while requests flow with none failing
(the traffic enters through node 2's edge, as a load balancer would skip a node being drained)."""

import os
import time

import pytest

from support import wait_for

NODES = os.environ.get("BOOKSTORE_SWARM_NODES", "").split()
pytestmark = pytest.mark.skipif(len(NODES) < 3, reason="needs ./bookstore swarm test --nodes 3")
STATELESS = ("auth", "catalog", "orders", "gateway", "web")


def running_tasks(swarm):
    """[(service, node)] of the stack's tasks that are running or meant to be."""
    listed = swarm.docker("stack", "ps", swarm.stack, "--filter", "desired-state=running",
                          "--format", "{{.Name}} {{.Node}} {{.CurrentState}}").stdout
    tasks = []
    for line in listed.splitlines():
        name, node, state = line.split(" ", 2)
        service = name[len(swarm.stack) + 1:].split(".")[0]
        tasks.append((service, node, state))
    return tasks


def all_running(swarm):
    for service in (*STATELESS, "mariadb", "rabbitmq"):
        running, desired = swarm.replicas(service)
        if running != desired or desired == 0:
            return False
    return True


def test_placement_constraints_and_one_edge_per_node(swarm):
    wait_for(lambda: all_running(swarm), timeout=300, interval=1, message="every service running")
    tasks = running_tasks(swarm)
    assert {node for service, node, _ in tasks if service == "mariadb"} == {"node2"}, tasks
    assert {node for service, node, _ in tasks if service == "rabbitmq"} == {"node3"}, tasks
    assert sorted(node for service, node, _ in tasks if service == "edge") == ["node1", "node2", "node3"], tasks
    # Replicas are spread: no stateless service has both replicas on one node.
    for name in STATELESS:
        nodes = [node for service, node, _ in tasks if service == name]
        assert len(nodes) == 2 and len(set(nodes)) == 2, (name, tasks)


def test_draining_a_node_moves_its_tasks_while_requests_flow(swarm, load, settle):
    wait_for(lambda: all_running(swarm), timeout=300, interval=1, message="every service running")
    assert any(node == "node1" for service, node, _ in running_tasks(swarm) if service in STATELESS)
    try:
        with load(readers=2) as traffic:
            traffic.wait_orders(5)
            swarm.docker("node", "update", "--availability", "drain", "node1")

            def node1_empty_and_services_whole():
                on_node1 = [task for task in running_tasks(swarm) if task[1] == "node1"]
                return not on_node1 and all_running(swarm)
            wait_for(node1_empty_and_services_whole, timeout=300, interval=1, message="node1 drained")
            traffic.wait_orders(5, since=time.monotonic())
        assert not traffic.failures(), traffic.summary()
        settle(traffic)
        swarm.assert_verified()
    finally:
        swarm.docker("node", "update", "--availability", "active", "node1")
