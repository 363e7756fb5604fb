"""The live-swarm tests: BookStore deployed as a Docker Swarm stack (deploy/swarm/docker-stack.yml), tested
from outside through its published edge, and disturbed with the docker client (rolling updates, killed
tasks, scaling, restarted MariaDB and RabbitMQ).

`./bookstore swarm test` deploys a stack of its own and sets what these tests need:

    BOOKSTORE_SWARM_GATEWAY_URL         the public API (edge → gateway replicas), e.g. http://127.0.0.1:15000
    BOOKSTORE_SWARM_WEB_URL             the web store's pages, e.g. http://127.0.0.1:18080
    BOOKSTORE_SWARM_ADMIN_EMAIL         the admin account auth creates on first deployment
    BOOKSTORE_SWARM_ADMIN_PASSWORD_FILE a file holding its password
    BOOKSTORE_SWARM_DOCKER              the docker client (DOCKER_HOST names the engine)
    BOOKSTORE_SWARM_STACK_NAME          the stack: services are <stack>_auth, _catalog, _orders, ...
    BOOKSTORE_SWARM_NODE_CLIENTS        optional: a docker client per node (space-separated), where tasks run
                                        on other nodes than BOOKSTORE_SWARM_DOCKER's (./bookstore swarm test
                                        --nodes N)
    BOOKSTORE_SWARM_VERIFY              a command line checking the saga's invariants across the swarm's
                                        databases (exit 0 all hold, 1 violations, 2 could not check)

Without BOOKSTORE_SWARM_GATEWAY_URL every test here is skipped, with one reason.

The API helpers are the system tests' own (tests/system/support): Client, User, problem(), wait_for(),
EventStream. What only the swarm needs is here:

    def test_something(swarm, load, settle):     # fixtures; also api, tag, shelf, buyers
        with load(readers=2) as traffic:         # threads reading and ordering, every answer recorded
            swarm.update("catalog")              # docker service update --force --detach=false <stack>_catalog
            swarm.wait_replicas("catalog", 2)    # until 2/2, each task's container running and healthy
        assert not traffic.failures(), traffic.summary()
        settle(traffic)                          # every acknowledged order settled as answered, stock exact
        swarm.assert_verified()                  # BOOKSTORE_SWARM_VERIFY: every invariant holds, nothing settling

After every test, no component of the stack may have fallen over (no_task_fails_on_its_own below): only
the containers a test kills with swarm.kill() may fail.

Test modules take these as fixtures rather than importing this file (tests/system has a conftest.py too).
swarm.wait_replicas() is for services with a health check (all but the edge).
"""

import collections
import dataclasses
import itertools
import json
import os
import pathlib
import re
import secrets
import shlex
import subprocess
import sys
import threading
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "system"))

from support import wait_for  # noqa: E402  (tests/system/support, on the path just above)
from support.api import TIMEOUT, Client, User  # noqa: E402

SKIP_REASON = ("BOOKSTORE_SWARM_GATEWAY_URL is not set: the live-swarm tests need a stack deployed on Docker "
               "Swarm (`./bookstore swarm test` deploys one and sets the variables)")
VARIABLES = {
    "gateway_url": "BOOKSTORE_SWARM_GATEWAY_URL",
    "web_url": "BOOKSTORE_SWARM_WEB_URL",
    "admin_email": "BOOKSTORE_SWARM_ADMIN_EMAIL",
    "admin_password_file": "BOOKSTORE_SWARM_ADMIN_PASSWORD_FILE",
    "docker": "BOOKSTORE_SWARM_DOCKER",
    "stack": "BOOKSTORE_SWARM_STACK_NAME",
    "verify": "BOOKSTORE_SWARM_VERIFY",
}
# The admin port of each component inside its container: /metrics, /readyz (curl is in every image).
ADMIN_PORTS = {"auth": 9001, "catalog": 9002, "orders": 9003, "gateway": 9000, "web": 9080}
STATELESS = ("auth", "catalog", "orders", "gateway", "web")
OPS_ROUTES = {"/healthz", "/readyz", "/metrics"}  # not the store's traffic (health checks, scrapes)
NO_CACHE = {"Cache-Control": "no-cache"}  # past the gateway's response cache, to a catalog replica


@pytest.fixture(scope="session", autouse=True)
def live_swarm():
    """Every test here needs the live stack: without one, each is skipped from this one place (so the
    summary shows a single reason)."""
    if not os.environ.get(VARIABLES["gateway_url"]):
        pytest.skip(SKIP_REASON)


# ------------------------------------------------------------------------------------------- swarm


class Swarm:
    """The deployed stack: its public URLs, its admin, and the docker client acting on its services."""

    def __init__(self, gateway_url, web_url, admin_email, admin_password_file, docker, stack, verify):
        self.gateway_url = gateway_url.rstrip("/")
        self.web_url = web_url.rstrip("/")
        self.admin_email = admin_email
        self.admin_password = pathlib.Path(admin_password_file).read_text().strip()
        self.docker_path = docker
        self.stack = stack
        self.verify_command = shlex.split(verify)
        self.node_clients = os.environ.get("BOOKSTORE_SWARM_NODE_CLIENTS", "").split() or [docker]
        self.killed = set()  # containers the tests killed on purpose (kill())
        self.reported_failures = set()  # tasks failures_since_last_call() has named already

    @classmethod
    def from_env(cls):
        missing = [name for name in VARIABLES.values() if not os.environ.get(name)]
        if missing:
            pytest.fail(f"{', '.join(missing)} not set (./bookstore swarm test sets every BOOKSTORE_SWARM_* "
                        "variable)", pytrace=False)
        return cls(**{field: os.environ[name] for field, name in VARIABLES.items()})

    # ------------------------------------------------------------------------------------ docker

    def docker(self, *args, timeout=120, check=True):
        """Runs the docker client; the CompletedProcess (asserting success unless check=False)."""
        result = subprocess.run([self.docker_path, *args], capture_output=True, text=True, timeout=timeout)
        if check:
            assert result.returncode == 0, \
                f"docker {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        return result

    def service(self, name):
        return f"{self.stack}_{name}"

    def containers(self, name, healthy=False):
        """Ids of the running containers of the service's tasks on this node."""
        args = ["ps", "-q", "--no-trunc", "--filter", f"label=com.docker.swarm.service.name={self.service(name)}",
                "--filter", "status=running"]
        if healthy:
            args += ["--filter", "health=healthy"]
        return sorted(self.docker(*args).stdout.split())

    def any_container(self, name):
        """(docker client, container id) of a running task of the service on any node. Only tasks the
        swarm still means to run count: a task being moved away (a drained node, a rolling update) keeps
        its container running through the stop grace period, and an exec into it fails once it stops."""
        wanted = set(self.docker("service", "ps", "-q", "--no-trunc", "--filter", "desired-state=running",
                                 self.service(name)).stdout.split())
        for client in self.node_clients:
            listed = subprocess.run([client, "ps", "--no-trunc", "--filter",
                                     f"label=com.docker.swarm.service.name={self.service(name)}",
                                     "--filter", "status=running", "--format",
                                     '{{.ID}} {{.Label "com.docker.swarm.task.id"}}'],
                                    capture_output=True, text=True, timeout=60).stdout.split("\n")
            ids = [line.split()[0] for line in listed if len(line.split()) == 2 and line.split()[1] in wanted]
            if ids:
                return client, sorted(ids)[0]
        raise AssertionError(f"no running container of {self.service(name)} on any node")

    def replicas(self, name):
        """(running, desired) as `docker service ls` shows them."""
        listed = self.docker("service", "ls", "--filter", f"name={self.service(name)}",
                             "--format", "{{.Name}}\t{{.Replicas}}").stdout
        for line in listed.splitlines():
            service, _, replicas = line.partition("\t")
            match = re.match(r"(\d+)/(\d+)", replicas.strip())
            if service == self.service(name) and match:
                return int(match.group(1)), int(match.group(2))
        raise AssertionError(f"no service {self.service(name)} in `docker service ls`:\n{listed}")

    def wait_replicas(self, name, count, timeout=180):
        """Until the service shows count/count and exactly `count` of its containers run healthy (old ones
        gone); their ids."""
        seen = {}

        def settled():
            seen["replicas"] = self.replicas(name)
            seen["containers"] = self.containers(name, healthy=True)
            if seen["replicas"] == (count, count) and len(seen["containers"]) == count:
                return seen["containers"]
            return None

        try:
            return wait_for(settled, timeout=timeout, interval=1, message=f"{self.service(name)} at {count}/{count}",
                            retry_on=(AssertionError, subprocess.TimeoutExpired))
        except TimeoutError:
            tasks = self.docker("service", "ps", "--no-trunc", self.service(name), check=False).stdout
            raise AssertionError(f"{self.service(name)} not back to {count} healthy replicas within {timeout}s "
                                 f"(last seen {seen}):\n{tasks}") from None

    def update_status(self, name):
        text = self.docker("service", "inspect", "--format", "{{json .UpdateStatus}}", self.service(name)).stdout
        return json.loads(text) or {}

    def update(self, name, timeout=600):
        """docker service update --force --detach=false: every task replaced as the stack's update_config
        says; asserts that the update completed (not rolled back)."""
        before = self.update_status(name).get("StartedAt")
        self.docker("service", "update", "--force", "--detach=false", "--quiet", self.service(name), timeout=timeout)
        # The client returns once the tasks converged; Swarm marks the update completed only after the
        # last task's monitor period (update_config.monitor).

        def finished():
            status = self.update_status(name)
            assert status.get("StartedAt") != before, f"no update of {self.service(name)} started: {status}"
            assert status.get("State") not in ("paused", "rollback_started", "rollback_completed"), \
                f"update of {self.service(name)} failed: {status}"
            return status.get("State") == "completed"
        wait_for(finished, timeout=120, interval=1, retry_on=(), message=f"update of {self.service(name)} completed")

    def scale(self, name, count, timeout=300):
        self.docker("service", "scale", "--detach=false", f"{self.service(name)}={count}", timeout=timeout)

    def kill(self, container):
        self.killed.add(container)
        self.docker("kill", container)

    def failures_since_last_call(self):
        """Tasks of the stack whose component fell over since the last call: its container exited with
        an error (a crash, a fatal error: our servers exit 0 only when asked to stop) or was killed for
        failing its health check. Not the containers the tests killed (kill()), not the tasks Swarm
        stopped (rolling updates, scaling, draining: "Shutdown"), and not a failure of the engine after
        the container had exited cleanly (seen here when draining a node: "error while removing network")
        nor a task the engine could not start: those are Docker's, not BookStore's. Each as its line of
        `docker stack ps` (task, node, state, exit code, error) and the last lines it logged."""
        listed = self.docker("stack", "ps", "--no-trunc", self.stack, "--format",
                             "{{.ID}}\t{{.Name}}\t{{.Node}}\t{{.CurrentState}}\t{{.Error}}").stdout
        failures = []
        for line in listed.splitlines():
            task, name, node, state, error = (line.split("\t") + [""] * 5)[:5]
            if task in self.reported_failures or not state.startswith("Failed"):
                continue
            self.reported_failures.add(task)
            container, _, exit_code = self.docker(
                "inspect", "--type", "task", "--format",
                "{{.Status.ContainerStatus.ContainerID}} {{.Status.ContainerStatus.ExitCode}}", task,
            ).stdout.strip().partition(" ")
            if not container or container in self.killed:
                continue
            if exit_code != "0" or "unhealthy" in error:
                # Its last words too: the log of a task that has gone is still the manager's to give.
                last_lines = self.docker("service", "logs", "--raw", "--tail", "20", task, check=False).stdout
                failures.append(f"{name} on {node}: {state}, exit code {exit_code} {error}".strip() +
                                "".join(f"\n    {line}" for line in last_lines.splitlines()))
        return failures

    def metrics(self, container, name, client=None):
        """The /metrics text of one container of the service, read inside it (through `client`, the
        docker client of the container's node, when it is not BOOKSTORE_SWARM_DOCKER's)."""
        command = [client or self.docker_path, "exec", container, "curl", "-fsS", "--max-time", "5",
                   f"http://127.0.0.1:{ADMIN_PORTS[name]}/metrics"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}"
        return result.stdout

    def prometheus(self, expression):
        """An instant query of the stack's Prometheus (promtool inside its container: the service is on
        the internal network only): [(labels, value)]."""
        client, container = self.any_container("prometheus")
        command = [client, "exec", container, "promtool", "query", "instant", "-o", "json",
                   "http://127.0.0.1:9090", expression]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}"
        return [(sample["metric"], float(sample["value"][1])) for sample in json.loads(result.stdout or "[]")]

    def scraped_replicas(self, job):
        """How many replicas of the component Prometheus scraped successfully last time."""
        found = self.prometheus(f'count(up{{job="{job}"}} == 1)')
        return int(found[0][1]) if found else 0

    def wait_scraped(self, job, timeout=90):
        """Until every replica of the component runs and Prometheus's last scrape of each succeeded. Both
        counts are read again on every poll: a replica that restarts or moves meanwhile is waited for."""
        seen = {}

        def every_replica_scraped():
            seen["running, desired"] = running, desired = self.replicas(job)
            seen["scraped"] = self.scraped_replicas(job)
            return running == desired == seen["scraped"]
        try:
            wait_for(every_replica_scraped, timeout=timeout, interval=2,
                     retry_on=(AssertionError, subprocess.TimeoutExpired))
        except TimeoutError:
            targets = self.prometheus(f'up{{job="{job}"}}')
            tasks = self.docker("service", "ps", "--no-trunc", self.service(job), check=False).stdout
            raise AssertionError(f"Prometheus did not scrape every replica of {job} within {timeout}s (last seen "
                                 f"{seen}; up by instance: {targets}):\n{tasks}") from None

    def served(self, container, name):
        """How many requests the replica has answered, health checks and scrapes aside: the sum of its
        http_requests_total (libs/http) over every other route."""
        total = 0
        for labels, value in samples(self.metrics(container, name), "http_requests_total"):
            if labels.get("route") not in OPS_ROUTES:
                total += value
        return total

    def queues(self):
        """{queue name: consumers} of the stack's RabbitMQ (rabbitmqctl inside its container)."""
        rabbit = self.containers("rabbitmq")
        assert rabbit, f"no running container of {self.service('rabbitmq')}"
        listed = self.docker("exec", rabbit[0], "rabbitmqctl", "list_queues", "-q", "name", "consumers").stdout
        found = {}
        for line in listed.splitlines():
            fields = line.split("\t")
            if len(fields) == 2 and fields[1].strip().isdigit():
                found[fields[0]] = int(fields[1])
        return found

    # -------------------------------------------------------------------------------- invariants

    def run_verify(self, *extra):
        """BOOKSTORE_SWARM_VERIFY with these options: (exit code, output)."""
        result = subprocess.run([*self.verify_command, *extra], capture_output=True, text=True, timeout=180)
        return result.returncode, result.stdout + result.stderr

    def assert_verified(self, timeout=120):
        """Until the verify command reports every invariant holding and nothing settling (no order pending,
        none changed in the last 5 s): orders and releases in flight get there, a broken invariant never."""
        last = {}

        def clean():
            code, output = self.run_verify("--settle", "5")
            last["code"], last["output"] = code, output
            return code == 0 and "settling " not in output

        try:
            wait_for(clean, timeout=timeout, interval=1, message="verify clean", retry_on=(subprocess.TimeoutExpired,))
        except TimeoutError:
            pytest.fail(f"the swarm's invariants do not hold (verify exit {last.get('code')}):\n"
                        f"{last.get('output', '')}", pytrace=False)

    # -------------------------------------------------------------------------------------- users

    def admin(self, api):
        """The stack's admin, logged in through the gateway."""
        login = api.login(self.admin_email, self.admin_password)
        assert login.status_code == 200, login.text
        body = login.json()
        assert body["role"] == "admin", body
        return User(body["token"], body["user_id"], body.get("name"), "admin", self.admin_email)


def samples(text, metric):
    """(labels, value) of every sample of one metric in Prometheus text."""
    pattern = re.compile(r"^" + re.escape(metric) + r"(?:\{(.*)\})? (\S+)$")
    for line in text.splitlines():
        match = pattern.match(line)
        if match:
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(1) or ""))
            yield labels, float(match.group(2))


@pytest.fixture(scope="session")
def swarm():
    return Swarm.from_env()


@pytest.fixture(autouse=True)
def no_task_fails_on_its_own(request):
    """After each test: no component of the stack crashed, exited with an error or failed its health
    check while it ran (or, for the first test, while the stack started). The tests disturb the stack
    (kills, updates, restarts of MariaDB and RabbitMQ); the components must ride those out, not fall
    over and be restarted by Swarm, which every other check here would miss."""
    yield
    if os.environ.get(VARIABLES["gateway_url"]):
        failures = request.getfixturevalue("swarm").failures_since_last_call()
        assert not failures, "tasks that ended on their own:\n" + "\n".join(failures)


@pytest.fixture(scope="session")
def api(swarm):
    """A Client of the public API through the stack's edge."""
    return Client(swarm.gateway_url)


@pytest.fixture
def tag():
    """A word no other test run has used: in titles (search finds exactly this test's books) and keys."""
    return "t" + secrets.token_hex(5)


# ------------------------------------------------------------------------------------------- books


class Shelf:
    """Books of one seller for a load: three with plenty of copies, one with few (orders that include it
    are rejected once it is sold out). Knows each book's starting stock and the order payloads to send."""

    PLENTY = 100_000

    def __init__(self, api, seller, tag, scarce_stock=12):
        self.api = api
        self.tag = tag
        self.plenty = [self._create(seller, f"Plenty {tag} {n}", self.PLENTY)["id"] for n in range(3)]
        self.scarce = self._create(seller, f"Scarce {tag}", scarce_stock)["id"]
        self.initial = {**{book_id: self.PLENTY for book_id in self.plenty}, self.scarce: scarce_stock}

    def _create(self, seller, title, stock):
        created = self.api.post("/books", {"title": title, "author": "Swarm Tester", "description": "load",
                                           "price": 4.25, "stock": stock}, seller)
        assert created.status_code == 201, created.text
        return created.json()

    @property
    def ids(self):
        return [*self.plenty, self.scarce]

    def payload(self, n):
        """The n-th order of a thread: one book or two, now and then the scarce one."""
        plenty = self.plenty
        return [
            {"book_id": plenty[n % 3], "quantity": 1},
            {"items": [{"book_id": plenty[0], "quantity": 2}, {"book_id": plenty[1], "quantity": 1}]},
            {"items": [{"book_id": plenty[2], "quantity": 1}, {"book_id": self.scarce, "quantity": 1}]},
            {"book_id": self.scarce, "quantity": 1},
        ][n % 4]

    def may_run_short(self, payload):
        return self.scarce in [book_id for book_id, _ in items_of(payload)]

    def stock(self, book_id):
        response = self.api.get(f"/books/{book_id}", headers=NO_CACHE)
        assert response.status_code == 200, response.text
        return response.json()["stock"]


def items_of(payload_or_order):
    """[(book_id, quantity)] of an order payload ({book_id, quantity} or {items}) or of an order."""
    if "items" in payload_or_order:
        return sorted((item["book_id"], item.get("quantity", 1)) for item in payload_or_order["items"])
    return [(payload_or_order["book_id"], payload_or_order.get("quantity", 1))]


# -------------------------------------------------------------------------------------------- load


@dataclasses.dataclass
class Outcome:
    """One request of a load and its answer (status and parsed body) or the exception it raised."""

    kind: str  # "read" or "order"
    path: str
    started: float  # time.monotonic()
    ended: float
    status: int = None
    body: object = None
    error: str = None
    user: User = None
    key: str = None  # Idempotency-Key of an order
    payload: dict = None
    expected: bool = False  # an answer the test expects (see Load._judge)

    @property
    def acknowledged(self):
        """An order the store answered for: 201 (awaiting payment), 202 (pending) or 409 (rejected, with
        the order's id)."""
        return self.kind == "order" and self.expected and self.order_id is not None

    @property
    def order_id(self):
        if not isinstance(self.body, dict):
            return None
        return self.body.get("order_id") if self.status == 409 else self.body.get("id")

    def describe(self):
        answer = self.error or f"{self.status} {json.dumps(self.body)[:300] if self.body is not None else ''}"
        return f"{self.kind} {self.path}{' key ' + self.key if self.key else ''}: {answer}"


class Load:
    """Threads sending requests through the gateway until stopped, every answer kept as an Outcome:
    `readers` threads GET /books/{id} of the shelf's books (every other one past the gateway's cache) and
    `extra_reads` paths if given; one thread per buyer POSTs /orders with a new Idempotency-Key each time.
    Each thread waits `interval` seconds between its requests (a steady rate, not a synchronisation)."""

    def __init__(self, url, shelf, buyers=(), readers=1, interval=0.05, order_interval=0.2, extra_reads=None):
        self.url = url
        self.shelf = shelf
        self.results = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.interval = interval
        self.order_interval = order_interval
        self.extra_reads = extra_reads
        self.began = time.monotonic()
        self.threads = [threading.Thread(target=self._reader, args=(n,), daemon=True) for n in range(readers)]
        self.threads += [threading.Thread(target=self._orderer, args=(n, buyer), daemon=True)
                         for n, buyer in enumerate(buyers)]

    def __enter__(self):
        self.began = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            if thread.ident is not None:  # started
                thread.join(timeout=TIMEOUT + 10)

    # --------------------------------------------------------------------------------- threads

    def _send(self, session, outcome, method, **kwargs):
        try:
            response = session.request(method, self.url + outcome.path, timeout=TIMEOUT, **kwargs)
            outcome.status = response.status_code
            try:
                outcome.body = response.json()
            except ValueError:
                outcome.body = response.text[:300]
        except requests.RequestException as error:
            outcome.error = f"{type(error).__name__}: {error}"
        outcome.ended = time.monotonic()
        try:
            outcome.expected = self._judge(outcome)
        except (KeyError, TypeError, AttributeError):  # a body not shaped as the API says
            outcome.expected = False
        with self.lock:
            self.results.append(outcome)

    def _reader(self, number):
        session = requests.Session()
        for n in itertools.count():
            if self.stopping.is_set():
                return
            if self.extra_reads is not None and n % 2:
                path = self.extra_reads(number, n)
            else:
                path = f"/books/{self.shelf.ids[n % len(self.shelf.ids)]}"
            headers = NO_CACHE if self.extra_reads is not None or (n // len(self.shelf.ids)) % 2 == 0 else {}
            self._send(session, Outcome("read", path, time.monotonic(), 0), "GET", headers=headers)
            self.stopping.wait(self.interval)

    def _orderer(self, number, buyer):
        session = requests.Session()
        for n in itertools.count():
            if self.stopping.is_set():
                return
            payload = self.shelf.payload(n + number)
            key = f"{self.shelf.tag}-{number}-{n}"
            outcome = Outcome("order", "/orders", time.monotonic(), 0, user=buyer, key=key, payload=payload)
            self._send(session, outcome, "POST", json=payload, headers={**buyer.headers, "Idempotency-Key": key})
            self.stopping.wait(self.order_interval)

    def _judge(self, outcome):
        """Whether the answer is one the store may give: a read 200 (the book asked for, or a list); an
        order 201 or 202 of these books, or 409 rejected for stock when the scarce book is in it."""
        body = outcome.body
        if outcome.kind == "read":
            if outcome.status != 200:
                return False
            if outcome.path.startswith("/books/"):
                return isinstance(body, dict) and str(body.get("id")) == outcome.path.rsplit("/", 1)[1]
            return isinstance(body, list)
        return judge_order(self.shelf, outcome.payload, outcome.status, body)

    # ---------------------------------------------------------------------------------- results

    def snapshot(self):
        with self.lock:
            return list(self.results)

    def count(self, predicate):
        return sum(1 for outcome in self.snapshot() if predicate(outcome))

    def wait_orders(self, count, since=0.0, timeout=60):
        """Until `count` orders sent after `since` were acknowledged (the store takes orders)."""
        self._wait(lambda o: o.acknowledged and o.started >= since, count, timeout, "orders acknowledged")

    def wait_reads(self, count, since=0.0, timeout=60):
        """Until `count` reads sent after `since` were answered as expected."""
        self._wait(lambda o: o.kind == "read" and o.expected and o.started >= since, count, timeout, "reads answered")

    def _wait(self, predicate, count, timeout, what):
        try:
            wait_for(lambda: self.count(predicate) >= count, timeout=timeout, interval=0.1, retry_on=())
        except TimeoutError:
            raise AssertionError(f"fewer than {count} {what} within {timeout}s; {self.summary()}") from None

    def failures(self, kind=None):
        return [o for o in self.snapshot() if not o.expected and (kind is None or o.kind == kind)]

    def orders(self):
        return [o for o in self.snapshot() if o.kind == "order"]

    def odd_failures(self):
        """Failures other than the store being unreachable (a connection error, a timeout, a 5xx): an
        answer no outage excuses, such as a 4xx or a 2xx with the wrong content."""
        return [o for o in self.failures() if o.error is None and o.status < 500]

    def summary(self, outcomes=None):
        """What happened, for a failure message: answers counted by kind and status, and a few failures."""
        outcomes = self.snapshot() if outcomes is None else outcomes
        counts = collections.Counter((o.kind, o.status if o.error is None else o.error.split(":")[0])
                                     for o in outcomes)
        failed = [o for o in outcomes if not o.expected]
        if not failed:
            return f"answers: {dict(counts)}; no failure"
        window = f"{failed[0].started - self.began:.1f}s to {failed[-1].started - self.began:.1f}s"
        return (f"answers: {dict(counts)}; {len(failed)} failures sent from {window} after the load began; "
                "the first ones:\n  " + "\n  ".join(f"+{o.started - self.began:.1f}s {o.describe()}"
                                                      for o in failed[:10]))


def judge_order(shelf, payload, status, body):
    if status in (201, 202):
        return (isinstance(body, dict) and body.get("status") == ("pending" if status == 202 else "awaiting_payment")
                and items_of(body) == items_of(payload))
    if status == 409:
        order = body.get("order") if isinstance(body, dict) else None
        return (shelf.may_run_short(payload) and isinstance(order, dict) and order.get("status") == "rejected"
                and order.get("reason") == "insufficient_stock" and body.get("order_id") == order.get("id"))
    return False


# ------------------------------------------------------------------------------------------ orders


def resolve_unacknowledged(api, shelf, outcomes, timeout=120):
    """Every order request that got no acknowledgement is sent again with its Idempotency-Key, as a client
    would retry, until the store answers for it: the order it made then (replayed), or a new one. Returns
    the answers as acknowledged Outcomes. A 422 (key already used for another order) or any other answer
    past the deadline fails."""
    resolved = []
    for outcome in outcomes:
        if outcome.kind != "order" or outcome.acknowledged:
            continue
        last = {}

        def answered(outcome=outcome, last=last):
            response = api.post("/orders", outcome.payload, outcome.user, headers={"Idempotency-Key": outcome.key})
            last["answer"] = f"{response.status_code} {response.text[:300]}"
            assert response.status_code != 422, f"retry of {outcome.key}: {last['answer']}"
            body = response.json() if response.headers.get("Content-Type", "").split(";")[0].endswith("json") else None
            if judge_order(shelf, outcome.payload, response.status_code, body):
                return Outcome("order", "/orders", time.monotonic(), time.monotonic(), response.status_code, body,
                               user=outcome.user, key=outcome.key, payload=outcome.payload, expected=True)
            return None

        try:
            resolved.append(wait_for(answered, timeout=timeout, interval=0.5, message=f"retry of {outcome.key}",
                                     retry_on=(requests.RequestException, ValueError)))
        except TimeoutError:
            pytest.fail(f"order {outcome.key} ({outcome.describe()}) still unanswered on retry after {timeout}s: "
                        f"{last.get('answer')}", pytrace=False)
    return resolved


def all_orders(api, user):
    """Every order of the user (GET /orders, page by page)."""
    found, offset = [], 0
    while True:
        response = api.get(f"/orders?limit=200&offset={offset}", user)
        assert response.status_code == 200, response.text
        page = response.json()
        found += page
        offset += len(page)
        if not page or offset >= int(response.headers.get("X-Total-Count", offset)):
            return found


def settled_orders(api, buyers, timeout=120):
    """{order id: order} of every order of the buyers, once none of them is pending any more."""
    last = {}

    def none_pending():
        orders = {order["id"]: order for buyer in buyers for order in all_orders(api, buyer)}
        last["pending"] = sorted(i for i, order in orders.items() if order["status"] == "pending")
        return orders if not last["pending"] else None

    try:
        return wait_for(none_pending, timeout=timeout, interval=1, message="no order pending",
                        retry_on=(requests.RequestException, ValueError, AssertionError))
    except TimeoutError:
        pytest.fail(f"orders still pending after {timeout}s: {last.get('pending')}", pytrace=False)


def check_orders(api, shelf, buyers, acknowledged, timeout=120):
    """Every acknowledged order settles as its answer promised and nothing else exists:

    - each buyer's orders (GET /orders) are exactly the acknowledged ones, none lost, none extra;
    - a 201 stays awaiting_payment; a 202 becomes awaiting_payment or, when it holds the scarce book,
      rejected for stock; a 409 stays rejected; their items are those ordered;
    - every book's stock is its starting stock less the copies of its awaiting_payment orders.
    """
    expected = {}
    for outcome in acknowledged:
        assert outcome.acknowledged, outcome.describe()
        assert expected.setdefault(outcome.order_id, outcome).key == outcome.key, \
            f"order {outcome.order_id} answered for keys {expected[outcome.order_id].key} and {outcome.key}"
    orders = settled_orders(api, buyers, timeout)

    lost = sorted(set(expected) - set(orders))
    assert not lost, f"acknowledged orders missing from their buyers' GET /orders: {lost}"
    unknown = sorted(set(orders) - set(expected))
    assert not unknown, f"orders nobody was told about: {[orders[i] for i in unknown][:5]}"

    wrong = []
    for order_id, outcome in expected.items():
        order = orders[order_id]
        if outcome.status == 201:
            allowed = {"awaiting_payment"}
        elif outcome.status == 202:
            allowed = {"awaiting_payment", "rejected"} if shelf.may_run_short(outcome.payload) else {"awaiting_payment"}
        else:
            allowed = {"rejected"}
        if (order["status"] not in allowed or items_of(order) != items_of(outcome.payload)
                or (order["status"] == "rejected" and order.get("reason") != "insufficient_stock")):
            wrong.append(f"{outcome.describe()} -> now {order['status']} ({order.get('reason')}) {items_of(order)}")
    assert not wrong, f"{len(wrong)} orders did not settle as answered:\n  " + "\n  ".join(wrong[:10])

    held = collections.Counter()
    for order in orders.values():
        if order["status"] == "awaiting_payment":
            for book_id, quantity in items_of(order):
                held[book_id] += quantity
    stocks = {book_id: shelf.stock(book_id) for book_id in shelf.ids}
    assert stocks == {book_id: shelf.initial[book_id] - held[book_id] for book_id in shelf.ids}, \
        f"stock {stocks}, started at {shelf.initial}, held by awaiting orders {dict(held)}"
    return orders


# ---------------------------------------------------------------------------------------- fixtures


@pytest.fixture
def shelf(api, tag):
    """The books of this test's load, from a seller of its own."""
    return Shelf(api, api.new_user(f"Seller {tag}"), tag)


@pytest.fixture
def buyers(api, tag):
    """Two buyers of this test's own: one order thread each, and their GET /orders is the truth."""
    return [api.new_user(f"Buyer {tag} {n}") for n in range(2)]


@pytest.fixture
def load(swarm, shelf, buyers):
    """Factory of Loads on this test's shelf, ordering as its buyers: `with load(readers=2) as traffic:`.
    Any load still running is stopped at the end of the test."""
    made = []

    def make(readers=2, order=True, **options):
        made.append(Load(swarm.gateway_url, shelf, buyers if order else (), readers=readers, **options))
        return made[-1]

    yield make
    for each in made:
        each.stop()


@pytest.fixture
def settle(api, shelf, buyers):
    """settle(load, retry=...) checks the orders of a load once it stopped (check_orders); with retry, the
    requests that got no acknowledgement are first retried with their Idempotency-Key (and counted with the
    acknowledged ones). Returns {order id: order}."""

    def check(traffic, retry=False, timeout=120):
        acknowledged = [outcome for outcome in traffic.orders() if outcome.acknowledged]
        if retry:
            acknowledged += resolve_unacknowledged(api, shelf, traffic.orders(), timeout)
        return check_orders(api, shelf, buyers, acknowledged, timeout)

    return check
