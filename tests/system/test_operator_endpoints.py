"""The operator's view (/metrics, each readiness check's result) is served on a separate admin port
(HTTP_ADMIN_PORT), never on the public one: metrics name upstream addresses and check failures name
internals. The public port keeps /healthz and a /readyz that says only ready or not (issue 13, finding 9)."""

import pytest
import requests

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
