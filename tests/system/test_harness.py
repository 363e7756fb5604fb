"""Self-test of the system-test harness itself, with a stand-in component (python's http.server) and
the real throwaway servers, so the harness and the BOOKSTORE_TEST_INFRA contract are proven before
any service exists."""

import signal
import sys

import pytest

from support import ComponentError, wait_for
from support.ports import port_open

FAKE = [sys.executable, "-m", "http.server", "{port}", "--bind", "127.0.0.1"]


def fake(components, name="fake", **kwargs):
    # http.server answers GET / with a directory listing: "ready" as soon as it listens.
    return components.new(name, command=FAKE, ready_path="/", **kwargs)


def test_component_starts_ready_and_stops_gracefully(components):
    server = fake(components).start(ready_timeout=15)
    assert server.running
    assert server.get("/").status_code == 200

    assert server.stop() == -signal.SIGTERM
    assert not server.running
    assert not port_open(server.port)


def test_component_killed_then_restarted_on_the_same_port(components):
    server = fake(components).start(ready_timeout=15)
    port = server.port

    assert server.kill() == -signal.SIGKILL
    assert not port_open(port)

    server.start(ready_timeout=15)
    assert server.port == port
    assert server.get("/").ok


def test_two_replicas_run_side_by_side(components):
    first = fake(components, "replica").start(ready_timeout=15)
    second = fake(components, "replica").start(ready_timeout=15)
    assert first.port != second.port
    assert first.log_path != second.log_path

    first.kill()
    assert second.get("/").ok


def test_log_is_captured(components):
    server = fake(components).start(ready_timeout=15)
    server.get("/no-such-file")
    wait_for(lambda: "/no-such-file" in server.log_text(), timeout=10, message="request logged")
    assert server.log_path.parent == components.log_dir


def test_component_that_exits_early_is_reported_with_its_log(components):
    broken = components.new("broken", command=[sys.executable, "-c", "print('bad setting X'); raise SystemExit(2)"])
    with pytest.raises(ComponentError, match="bad setting X"):
        broken.start(ready_timeout=15)
    assert broken.returncode == 2


def test_fresh_database_belongs_to_its_user(infra, fresh_database):
    db = fresh_database("harness")
    db.query("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20)); INSERT INTO t VALUES (1, 'café')")
    assert db.scalar("SELECT name FROM t WHERE name = 'cafe'") == "café"  # utf8mb4_uca1400_ai_ci
    assert db.env()["DB_NAME"] == db.name
    grants = "\n".join(row[0] for row in db.query(f"SHOW GRANTS FOR '{db.user}'@'%'"))
    assert f"`{db.name}`.*" in grants
    assert "ON *.*" not in grants.replace("USAGE ON *.*", "")


def test_infra_restarts_mariadb_with_data_kept(infra, fresh_database):
    db = fresh_database("restart")
    db.query("CREATE TABLE kept (id INT PRIMARY KEY); INSERT INTO kept VALUES (7)")
    infra.restart_mariadb()
    assert db.scalar("SELECT id FROM kept") == "7"


def test_infra_stops_and_starts_rabbitmq(infra):
    assert port_open(infra.amqp_port)
    infra.stop_rabbitmq()
    assert not port_open(infra.amqp_port)
    infra.start_rabbitmq()
    assert port_open(infra.amqp_port)
