"""A component (or any HTTP server) run as a black box: its own process and session, settings through
the environment, a free port, readiness by GET /readyz with a deadline, its output in a log file, stop
by SIGTERM or SIGKILL."""

import json
import os
import pathlib
import shutil
import signal
import subprocess
import weakref

import pytest
import requests

from .ports import free_port
from .wait import wait_for


class ComponentError(RuntimeError):
    pass


def binary_for(name, bin_dir=None):
    """The built executable of component `name` under BOOKSTORE_BIN_DIR (the CMake build folder). Looks in
    the same places as scripts/lib/stack.sh."""
    base = pathlib.Path(bin_dir or os.environ.get("BOOKSTORE_BIN_DIR") or _default_bin_dir())
    candidates = [base / "services" / name / f"bookstore-{name}", base / "services" / name / name,
                  base / "bin" / f"bookstore-{name}", base / "bin" / name]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ComponentError(f"component '{name}' is not built: none of {', '.join(map(str, candidates))}")


def built_binary(name):
    """binary_for(name) in a test: a component that is not built fails the test, it never skips it."""
    try:
        return binary_for(name)
    except ComponentError as error:
        pytest.fail(str(error), pytrace=False)


def json_log_lines(text):
    """The JSON objects among the lines of a component's log (other lines, a crash message say, skipped)."""
    lines = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            lines.append(value)
    return lines


def _default_bin_dir():
    return pathlib.Path(__file__).resolve().parents[3] / "build" / "test"


def _base_env():
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    if "HOME" in os.environ:
        env["HOME"] = os.environ["HOME"]
    return env


class Component:
    """One process of a component.

        auth = Component("auth", env={**db.env(), "JWT_KEYS_FILE": keys}, log_dir=output_dir).start()
        requests.get(auth.url + "/healthz")
        auth.kill()              # SIGKILL, like a crash
        auth.start()             # again, on the same port

    `command` replaces the binary (a list, e.g. a fake server); `{port}` in it is replaced by the port.
    HTTP_HOST, HTTP_PORT and HTTP_ADMIN_PORT (the operator's listener: /metrics, /readyz with details)
    are set unless `env` gives them; `inherit_env` adds the test's environment.
    """

    _instances = {}
    # Every component made, by its public port (the newest one for a port that was reused): how the
    # OpenAPI check (support/openapi.py) tells a gateway's answers from others.
    by_port = weakref.WeakValueDictionary()

    def __init__(self, name, env=None, *, command=None, port=None, host="127.0.0.1",
                 ready_path="/readyz", log_dir=None, inherit_env=False, bin_dir=None):
        self.name = name
        self.host = host
        self.port = port or free_port(host)
        self.admin_port = free_port(host)
        self.ready_path = ready_path
        self.command = [str(part) for part in (command or [binary_for(name, bin_dir)])]
        self.env = {"HTTP_HOST": host, "HTTP_PORT": str(self.port), "HTTP_ADMIN_PORT": str(self.admin_port)}
        self.env.update({k: str(v) for k, v in (env or {}).items()})
        self.admin_port = int(self.env["HTTP_ADMIN_PORT"])
        self.inherit_env = inherit_env
        number = Component._instances.get(name, 0) + 1
        Component._instances[name] = number
        log_dir = pathlib.Path(log_dir or os.environ.get("BOOKSTORE_TEST_OUTPUT", "/tmp"))
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{name}-{number}.log"
        self.process = None
        self._log_offset = 0
        self._registry_file = None
        Component.by_port[self.port] = self

    # ------------------------------------------------------------------------------------ addresses

    @property
    def url(self):
        """Base URL, without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    @property
    def admin_url(self):
        """Base URL of the operator's listener (/metrics, /readyz with each check)."""
        return f"http://{self.host}:{self.admin_port}"

    def get(self, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return requests.get(self.url + path, **kwargs)

    def metrics(self):
        """The Prometheus text of GET /metrics on the admin port."""
        response = requests.get(self.admin_url + "/metrics", timeout=10)
        response.raise_for_status()
        return response.text

    # ------------------------------------------------------------------------------------ lifecycle

    def start(self, ready_timeout=30.0, wait=True):
        """Starts the process (if it is not running) and, with wait, returns once GET ready_path answers
        2xx. Raises ComponentError, with the end of the log, if the process exits or the deadline passes."""
        if self.running:
            return self
        env = dict(os.environ) if self.inherit_env else _base_env()
        env.update(self.env)
        command = [part.replace("{port}", str(self.port)) for part in self.command]
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        self._register(command[0])
        if wait:
            self.wait_ready(ready_timeout)
        return self

    def wait_ready(self, timeout=30.0):
        def ready():
            if not self.running:
                raise ComponentError(
                    f"{self.name} exited with {self.process.returncode} before it was ready; "
                    f"its log ({self.log_path}) ends with:\n{self.log_tail()}")
            try:
                return requests.get(self.url + self.ready_path, timeout=1).ok
            except requests.RequestException:
                return False

        try:
            # ready() answers False while the server is not up yet and raises once it has exited.
            wait_for(ready, timeout=timeout, message=f"{self.name} ready on {self.url}{self.ready_path}",
                     retry_on=())
        except TimeoutError as error:
            raise ComponentError(f"{error}; its log ({self.log_path}) ends with:\n{self.log_tail()}") from None
        return self

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self):
        return self.process.pid if self.process else None

    @property
    def returncode(self):
        return self.process.poll() if self.process else None

    def stop(self, timeout=20.0):
        """SIGTERM, then SIGKILL if it has not exited after `timeout` seconds. Returns the exit code
        (negative for a signal)."""
        return self._end(signal.SIGTERM, timeout)

    def kill(self):
        """SIGKILL: a crash, no chance to clean up."""
        return self._end(signal.SIGKILL, 10.0)

    def send_signal(self, signum):
        if self.running:
            self.process.send_signal(signum)

    def wait_exit(self, timeout=20.0):
        """Waits until the process exits by itself; returns its exit code."""
        return self.process.wait(timeout=timeout)

    def restart(self, ready_timeout=30.0):
        """Graceful stop, then start again on the same port."""
        self.stop()
        return self.start(ready_timeout)

    def _end(self, signum, timeout):
        if self.process is None:
            return None
        if self.running:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._unregister()
        return self.process.returncode

    # --------------------------------------------------------------------------------------- logs

    def log_text(self, since_start=True):
        """The log; by default only what the current (or last) run wrote."""
        if not self.log_path.exists():
            return ""
        with open(self.log_path, "rb") as log:
            if since_start:
                log.seek(self._log_offset)
            return log.read().decode("utf-8", errors="replace")

    def log_tail(self, lines=30):
        return "\n".join(self.log_text().splitlines()[-lines:])

    # ------------------------------------------------------------------------- leftovers registry

    def _register(self, executable):
        """Records the pid where ./bookstore test can end it if this test run is interrupted."""
        registry = os.environ.get("BOOKSTORE_TEST_PIDS")
        if not registry:
            return
        resolved = shutil.which(executable) or executable
        path = pathlib.Path(registry)
        path.mkdir(parents=True, exist_ok=True)
        self._registry_file = path / f"harness-{self.process.pid}"
        self._registry_file.write_text(os.path.realpath(resolved))

    def _unregister(self):
        if self._registry_file:
            self._registry_file.unlink(missing_ok=True)
            self._registry_file = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        state = f"pid {self.pid}" if self.running else "stopped"
        return f"<Component {self.name} {self.url} {state}>"


class Components:
    """Starts components for one test (or a Stack) and stops whatever still runs at its end."""

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.started = []

    def new(self, name, env=None, **kwargs):
        """A Component not yet started (for tests that start it themselves)."""
        kwargs.setdefault("log_dir", self.log_dir)
        component = Component(name, env, **kwargs)
        self.started.append(component)
        return component

    def start(self, name, env=None, ready_timeout=30.0, **kwargs):
        """A Component started and ready."""
        return self.new(name, env, **kwargs).start(ready_timeout)

    def stop_all(self):
        stop_all(self.started)


def stop_all(components, timeout=20.0):
    """Stops every running component; the last one started first."""
    for component in reversed(components):
        try:
            component.stop(timeout)
        except Exception:  # noqa: BLE001 - teardown must go on with the others
            component.kill()
