"""The operator's view (/metrics, each readiness check's result) is served on a separate admin port
(HTTP_ADMIN_PORT), never on the public one: metrics name upstream addresses and check failures name
internals. The public port keeps /healthz and a /readyz that says only ready or not (issue 13, finding 9)."""

import re

import pytest
import requests

from support import wait_for

COMPONENTS = ["auth", "catalog", "orders", "gateway", "web"]


@pytest.fixture(scope="module")
def everything(module_stack):
    """Every component, once."""
    made = module_stack.start_store(orders=1, gateway=True)
    made.start_web(gateway=made.gateway)
    return made


@pytest.mark.parametrize("name", COMPONENTS)
def test_the_public_port_has_no_metrics_and_no_readiness_details(everything, name):
    component = getattr(everything, name)
    metrics = component.get("/metrics")
    assert metrics.status_code == 404, metrics.text[:200]
    assert "http_requests_total" not in metrics.text
    ready = component.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}
    assert component.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize("name", COMPONENTS)
def test_the_admin_port_has_metrics_and_every_check(everything, name):
    component = getattr(everything, name)
    assert "http_connections_open" in component.metrics()
    ready = requests.get(component.admin_url + "/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["checks"]
    assert all(result == "ok" for result in ready.json()["checks"].values())
    assert requests.get(component.admin_url + "/books", timeout=10).status_code == 404  # no application routes


def metric(text, name, **labels):
    """The value of one series in Prometheus text (None when absent): name{labels} value."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        series, _, value = line.rpartition(" ")
        found, _, label_text = series.partition("{")
        if found != name:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', label_text))
        if all(have.get(key) == wanted for key, wanted in labels.items()):
            return float(value)
    return None


@pytest.mark.parametrize("name", COMPONENTS)
def test_every_component_shows_its_process(everything, name):
    text = getattr(everything, name).metrics()
    assert "# TYPE process_cpu_seconds_total counter" in text
    assert metric(text, "process_cpu_seconds_total") > 0
    assert metric(text, "process_resident_memory_bytes") > 1 << 20
    assert 0 < metric(text, "process_open_fds") <= metric(text, "process_max_fds")
    assert metric(text, "process_start_time_seconds") > 1.7e9


def test_the_saga_shows_on_metrics(everything):
    """One order moves every figure an operator watches the saga by: orders by state, the relays that
    published its events, the consumers that handled them, the queues they passed through, the pools."""
    seller, buyer = everything.registered_users("metrics-seller", "metrics-buyer")
    book = everything.create_book(seller, stock=3)
    placed = everything.place(buyer, {"book_id": book["id"], "quantity": 1})
    assert placed.status_code == 201, placed.text
    everything.wait_status(buyer, placed.json()["id"], "awaiting_payment")

    orders, catalog = everything.orders, everything.catalog
    # Counted every few seconds on a thread of its own: polled, with a deadline.
    wait_for(lambda: (metric(orders.metrics(), "orders_by_state", state="awaiting_payment") or 0) >= 1,
             timeout=30, message="orders_by_state{state=awaiting_payment} counting the order")
    assert metric(orders.metrics(), "orders_by_state", state="shipped") == 0

    text = catalog.metrics()
    assert metric(text, "inbox_events_total", queue=everything.prefix + "catalog.events", outcome="handled") >= 1  # order.placed
    assert metric(orders.metrics(), "inbox_events_total", queue=everything.prefix + "orders.events", outcome="handled") >= 1
    assert metric(text, "outbox_published_total") >= 2  # book.created, order.stock_reserved
    assert metric(orders.metrics(), "outbox_published_total") >= 1  # order.placed
    wait_for(lambda: metric(catalog.metrics(), "outbox_backlog") == 0, timeout=30,
             message="catalog's relay counting an empty backlog")
    queue = everything.prefix + "catalog.events"
    wait_for(lambda: metric(catalog.metrics(), "bus_queue_messages", queue=queue) == 0
             and metric(catalog.metrics(), "bus_queue_messages", queue=queue + ".dead") == 0,
             timeout=30, message="catalog's consumer reading its queues' depths")
    for component in (everything.auth, catalog, orders):
        text = component.metrics()
        assert metric(text, "db_pool_acquires_total") >= 1
        assert metric(text, "db_pool_size") >= 1
        assert metric(text, "db_pool_timeouts_total") == 0
