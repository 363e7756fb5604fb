"""The stack scripts/bench.sh started (components, MariaDB, RabbitMQ, nginx), as the driver sees it:
URLs, processes, a small HTTP client and the database as root. Everything comes from the BENCH_*
variables bench.sh exports."""

from __future__ import annotations

import http.client
import json
import os
import pathlib
import subprocess
import time
import urllib.parse

from . import procs

COMPONENTS = ["auth", "catalog", "orders", "gateway", "web"]


class HttpError(RuntimeError):
    def __init__(self, method, url, status, body):
        super().__init__(f"{method} {url}: {status} {body[:300]!r}")
        self.status, self.body = status, body


class Client:
    """Keep-alive JSON client for one base URL (setup traffic, not load)."""

    def __init__(self, base_url: str, timeout: float = 30):
        parts = urllib.parse.urlsplit(base_url)
        self.base_url, self.host, self.port, self.timeout = base_url, parts.hostname, parts.port, timeout
        self.conn = None

    def request(self, method, path, body=None, token=None, expect=(200, 201, 202, 204)):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        if response.status not in expect:
            raise HttpError(method, self.base_url + path, response.status, raw.decode(errors="replace"))
        return response.status, raw, dict(response.getheaders())

    def json(self, method, path, body=None, token=None, expect=(200, 201, 202, 204)):
        status, raw, _ = self.request(method, path, body, token, expect)
        return json.loads(raw) if raw else None

    def get_bytes(self, path) -> bytes:
        return self.request("GET", path)[1]


class Stack:
    def __init__(self):
        env = os.environ
        self.root = pathlib.Path(env["BENCH_ROOT"])
        self.run_dir = pathlib.Path(env["BENCH_RUN_DIR"])
        self.urls = {name: env[f"BENCH_URL_{name.upper()}"] for name in COMPONENTS}
        self.nginx_static_url = env["BENCH_NGINX_STATIC_URL"]
        self.nginx_proxy_url = env["BENCH_NGINX_PROXY_URL"]
        self.nginx_root = pathlib.Path(env["BENCH_NGINX_ROOT"])
        self.nginx_pid_file = env["BENCH_NGINX_PID_FILE"]
        self.db_port = int(env["BENCH_DB_PORT"])
        self.db_cnf = env["BENCH_DB_CNF"]
        self.db_password_file = env["BENCH_DB_PASSWORD_FILE"]

    # ----------------------------------------------------------------------------------------- HTTP

    def client(self, name: str) -> Client:
        return Client(self.urls[name])

    # ------------------------------------------------------------------------------------ processes

    def pid(self, name: str) -> int | None:
        pid = procs.read_pid_file(str(self.run_dir / "pids" / f"{name}.pid"))
        return pid if procs.alive(pid) else None

    def component_pids(self) -> dict:
        return {name: pid for name in COMPONENTS if (pid := self.pid(name))}

    def mariadb_pid(self) -> int | None:
        return procs.read_pid_file(str(self.run_dir / "mariadb" / "mariadbd.pid"))

    def rabbitmq_pids(self) -> list[int]:
        """The Erlang VM (and its helpers) running from the bench run folder."""
        marker = str(self.run_dir) + "/"
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                exe = os.readlink(f"/proc/{entry}/exe")
                cmdline = open(f"/proc/{entry}/cmdline", "rb").read().decode(errors="replace")
            except OSError:
                continue
            if exe.endswith(("/beam.smp", "/erl_child_setup", "/epmd")) and marker in cmdline:
                found.append(int(entry))
        return found

    def nginx_pids(self) -> list[int]:
        master = procs.read_pid_file(self.nginx_pid_file)
        if not procs.alive(master):
            return []
        return [master] + procs.children(master)

    def cpu_groups(self) -> dict:
        """The process groups whose CPU is accounted for during every measured run."""
        groups = {name: (lambda n=name: [p for p in [self.pid(n)] if p]) for name in COMPONENTS}
        groups["mariadb"] = lambda: [p for p in [self.mariadb_pid()] if p]
        groups["rabbitmq"] = self.rabbitmq_pids
        groups["nginx"] = self.nginx_pids
        return groups

    # ------------------------------------------------------------------------------------- database

    def sql(self, text: str, database: str | None = None) -> list[list[str]]:
        """Runs SQL as root through the mariadb client; returns the rows of the output (tab-separated)."""
        cmd = ["mariadb", f"--defaults-file={self.db_cnf}", "--default-character-set=utf8mb4", "--batch",
               "--skip-column-names", "--protocol=SOCKET"]
        if database:
            cmd.append(f"--database={database}")
        result = subprocess.run(cmd, input=text, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"mariadb failed: {result.stderr.strip()}")
        return [line.split("\t") for line in result.stdout.splitlines()]

    def sql_stream(self, statements, database: str) -> None:
        """Pipes a stream of SQL statements into one client session."""
        cmd = ["mariadb", f"--defaults-file={self.db_cnf}", "--default-character-set=utf8mb4", "--batch",
               f"--database={database}"]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        try:
            for statement in statements:
                proc.stdin.write(statement)
            proc.stdin.close()
        except BrokenPipeError:
            pass
        stderr = proc.stderr.read()
        if proc.wait() != 0:
            raise RuntimeError(f"mariadb failed while loading: {stderr.strip()}")

    def wait_for(self, predicate, timeout: float, what: str, interval: float = 0.2):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
            time.sleep(interval)
