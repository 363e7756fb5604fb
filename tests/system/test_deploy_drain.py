"""Zero-downtime replicas outside Docker (issue 7): two catalog replicas behind the gateway, a steady
stream of GET /books through it, one replica gets SIGTERM mid-stream. Not a single request may fail: the
replica finishes what it has in flight and leaves, and the gateway stops sending it work."""

import collections
import threading
import time

import requests

CLIENTS = 8


class SteadyLoad:
    """CLIENTS threads, each with a keep-alive session, sending GET /books until stopped; every answer
    recorded as (time sent, status or exception text)."""

    def __init__(self, url):
        self.url = url
        self.results = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(CLIENTS)]

    def _client(self):
        session = requests.Session()
        while not self.stopping.is_set():
            sent = time.monotonic()
            try:
                # no-cache: past the gateway's response cache, so every request reaches a catalog replica.
                response = session.get(self.url + "/books", params={"limit": 20}, timeout=10,
                                       headers={"Cache-Control": "no-cache"})
                outcome = response.status_code if response.status_code != 200 or response.json() else "empty"
            except (requests.RequestException, ValueError) as error:
                outcome = f"{type(error).__name__}: {error}"
            with self.lock:
                self.results.append((sent, outcome))

    def count_since(self, moment):
        with self.lock:
            return sum(1 for sent, _ in self.results if sent >= moment)

    def wait_count_since(self, moment, count, timeout=60):
        deadline = time.monotonic() + timeout
        while self.count_since(moment) < count:
            assert time.monotonic() < deadline, f"fewer than {count} requests in {timeout}s"
            time.sleep(0.02)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)


def replica_answers(gateway, replica):
    """How many requests one catalog replica has answered through the gateway (its per-replica counter of
    successes; after the replica leaves, the gateway may still try it again once its set-aside time is
    over, which only counts as a connect error and is retried elsewhere)."""
    needle = f'replica="127.0.0.1:{replica.port}"'
    total = 0
    for line in gateway.metrics().splitlines():
        if (line.startswith("upstream_requests_total{") and 'cluster="catalog"' in line and needle in line
                and 'result="success"' in line):
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def test_sigterm_to_one_catalog_replica_mid_stream_fails_no_request(store):
    seller = store.signed_user("Drain Seller")
    for number in range(5):
        store.create_book(seller, title=f"Drain {number}", stock=3)
    # The same database and bus as the first replica, a port of its own.
    second = store.start_catalog()
    gateway = store.start_gateway(catalog=[store.catalog, second])

    with SteadyLoad(gateway.url) as load:
        start = time.monotonic()
        load.wait_count_since(start, 300)
        assert replica_answers(gateway, second) > 0, "the gateway never used the second replica"

        second.send_signal(15)  # SIGTERM, as Docker sends on a scale-down or a rolling update
        signalled = time.monotonic()
        assert second.wait_exit(timeout=30) == 0, second.log_tail()
        exited = time.monotonic()
        served_by_leaver = replica_answers(gateway, second)
        load.wait_count_since(exited, 500)

    outcomes = collections.Counter(outcome for _, outcome in load.results)
    assert outcomes == {200: len(load.results)}, f"failed requests: {outcomes}"
    assert load.count_since(signalled) >= 500
    # After it left, it answered nothing more: the survivor served the rest.
    assert replica_answers(gateway, second) == served_by_leaver
    assert store.catalog.running
