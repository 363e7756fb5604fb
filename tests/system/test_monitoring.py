"""deploy/prometheus/ (issue 16): the configurations and rules are valid for Debian's Prometheus, and the
local one, run against a live store, finds every component, and its recording rules show the saga."""

import json
import shutil
import subprocess

import pytest
import requests
import yaml

from support import wait_for
from support.ports import free_port
from support.stack import ROOT

DEPLOY = ROOT / "deploy" / "prometheus"
PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"
COMPONENTS = ("auth", "catalog", "orders", "gateway", "web")


def promtool(*args):
    done = subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def local_config(folder, targets, interval="15s"):
    """What `./bookstore monitor` makes (scripts/monitor.sh): the local configuration and the rules side by
    side with a targets.json, the intervals optionally shortened (a test cannot wait minutes)."""
    config = yaml.safe_load((DEPLOY / "prometheus-local.yml").read_text())
    rules = yaml.safe_load((DEPLOY / "rules.yml").read_text())
    config["global"].update(scrape_interval=interval, evaluation_interval=interval)
    for group in rules["groups"]:
        if "interval" in group:
            group["interval"] = interval
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
    (folder / "rules.yml").write_text(yaml.safe_dump(rules))
    (folder / "targets.json").write_text(json.dumps(
        [{"targets": [target], "labels": {"job": job}} for job, target in targets.items()]))
    return folder / "prometheus.yml"


def test_the_rules_and_both_configurations_are_valid(tmp_path):
    assert "SUCCESS" in promtool("check", "rules", str(DEPLOY / "rules.yml"))
    promtool("check", "config", str(DEPLOY / "prometheus-swarm.yml"))
    shutil.copy(DEPLOY / "prometheus-local.yml", tmp_path / "prometheus.yml")
    shutil.copy(DEPLOY / "rules.yml", tmp_path / "rules.yml")
    (tmp_path / "targets.json").write_text("[]")
    promtool("check", "config", str(tmp_path / "prometheus.yml"))
    # The Swarm configuration finds every component's replicas on its admin port.
    swarm = yaml.safe_load((DEPLOY / "prometheus-swarm.yml").read_text())
    stack = yaml.safe_load((ROOT / "deploy/swarm/docker-stack.yml").read_text())
    for job in swarm["scrape_configs"]:
        (sd,) = job["dns_sd_configs"]
        service = stack["services"][job["job_name"]]
        assert sd["names"] == [f"tasks.{job['job_name']}"]
        assert str(sd["port"]) == str(service["environment"]["HTTP_ADMIN_PORT"]), job["job_name"]
    assert {job["job_name"] for job in swarm["scrape_configs"]} == set(COMPONENTS)


@pytest.fixture()
def prometheus(tmp_path):
    """Starts Debian's prometheus with a configuration made by `make(folder)`; stopped at the end."""
    processes = []

    def start(config):
        port = free_port()
        log = open(tmp_path / "prometheus.log", "wb")
        process = subprocess.Popen([PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
                                    f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
        processes.append((process, log))
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: requests.get(url + "/-/ready", timeout=2).status_code == 200, timeout=60,
                 message="prometheus ready")
        return url

    yield start
    for process, log in processes:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def query(url, expression):
    answer = requests.get(url + "/api/v1/query", params={"query": expression}, timeout=10).json()
    assert answer["status"] == "success", answer
    return {json.dumps(sample["metric"], sort_keys=True): float(sample["value"][1])
            for sample in answer["data"]["result"]}


def test_prometheus_watches_a_live_store(stack, prometheus, tmp_path):
    stack.start_store(gateway=True)
    stack.start_web(gateway=stack.gateway)
    seller, buyer = stack.registered_users("seller", "buyer")
    book = stack.create_book(seller, stock=2)
    placed = stack.place(buyer, {"book_id": book["id"], "quantity": 1})
    assert placed.status_code == 201, placed.text
    targets = {name: f"127.0.0.1:{getattr(stack, name).admin_port}" for name in COMPONENTS}
    url = prometheus(local_config(tmp_path, targets, interval="1s"))

    wait_for(lambda: query(url, "up == 1") and len(query(url, "up == 1")) == len(COMPONENTS), timeout=60,
             message="every component scraped")
    assert {json.loads(key)["job"] for key in query(url, "up")} == set(COMPONENTS)
    wait_for(lambda: query(url, 'bookstore:orders_by_state{state="awaiting_payment"} >= 1'), timeout=60,
             message="the recording rule of orders by state")
    wait_for(lambda: query(url, 'job:outbox_backlog{job="catalog"} == 0'), timeout=60,
             message="the outbox backlog of catalog")
    wait_for(lambda: query(url, "queue:bus_queue_messages"), timeout=60, message="the queue depths")
    wait_for(lambda: len(query(url, "job:process_cpu_seconds:rate1m")) == len(COMPONENTS), timeout=60,
             message="every component's CPU")

    rules = requests.get(url + "/api/v1/rules", timeout=10).json()["data"]["groups"]
    evaluated = [rule for group in rules for rule in group["rules"]]
    assert len(evaluated) >= 20
    assert all(rule["health"] == "ok" for rule in evaluated), [(r["name"], r.get("lastError")) for r in evaluated
                                                               if r["health"] != "ok"]
    alerts = requests.get(url + "/api/v1/alerts", timeout=10).json()["data"]["alerts"]
    assert not [alert for alert in alerts if alert["labels"]["alertname"] == "ReplicaDown"], alerts
