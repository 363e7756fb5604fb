"""Static checks of the deployment, which need no Docker engine (the live swarm stage, tests/swarm, deploys
it for real): the Swarm stack file is valid, every runtime image installs the shared libraries its binary
needs, and the stack sets exactly the settings the components read."""

import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

from support.component import built_binary

ROOT = pathlib.Path(__file__).resolve().parents[2]
STACK = ROOT / "deploy" / "swarm" / "docker-stack.yml"
RUNTIME_PACKAGES = ROOT / "deploy" / "docker" / "runtime-packages.txt"
COMPONENTS = ["auth", "catalog", "orders", "gateway", "web"]
# Settings that the runtime image or Docker itself uses, not the component.
NOT_READ_BY_COMPONENT = {"COMPONENT"}


def stack():
    return yaml.safe_load(STACK.read_text())


def docker_with_stack_config():
    """A docker client that has `docker stack config` (Docker 23 and later), or None: Debian 12's docker.io
    (20.10) has not."""
    for docker in dict.fromkeys(filter(None, (shutil.which("docker"), "/usr/bin/docker"))):
        probe = subprocess.run([docker, "stack", "config", "--help"], capture_output=True, text=True, timeout=30)
        if probe.returncode == 0 and "--compose-file" in probe.stdout:
            return docker
    return None


def test_docker_accepts_the_stack_file():
    docker = docker_with_stack_config()
    if docker is None:
        # The swarm stage deploys this very file with Debian's client (scripts/lib/swarm_engine.sh), which
        # checks it the same way; only this early, engine-free check needs a newer client.
        pytest.skip("no docker client here has `docker stack config` (Debian 12's docker.io 20.10 has not)")
    result = subprocess.run([docker, "stack", "config", "-c", str(STACK)], capture_output=True, text=True,
                            env={"CATALOG_IMAGE": "registry.test:5000/bookstore-catalog:check", "PATH": "/usr/bin:/bin"},
                            timeout=60)
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)
    assert set(COMPONENTS) <= set(rendered["services"])


def test_every_component_runs_replicated_with_rolling_updates_and_health_checks():
    services = stack()["services"]
    for name in COMPONENTS:
        service = services[name]
        deploy = service["deploy"]
        assert deploy["replicas"] >= 2, name
        assert deploy["update_config"]["order"] == "start-first", name
        assert deploy["update_config"]["parallelism"] == 1, name
        assert deploy["update_config"]["failure_action"] == "rollback", name
        assert "restart_policy" in deploy and "limits" in deploy["resources"], name
        assert service["healthcheck"]["test"], name
        assert service["image"] == f"${{{name.upper()}_IMAGE:-bookstore-{name}:latest}}", name


def test_only_the_edge_is_published_in_host_mode_and_every_service_is_dnsrr():
    """Docker's ingress routing mesh would replace every client's address with its own (one bucket for
    all users' rate limits), and IPVS, which service virtual IPs need, is not in every kernel."""
    services = stack()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"edge"}
    assert all(port["mode"] == "host" for port in services["edge"]["ports"])
    assert services["edge"]["deploy"]["mode"] == "global"
    for name, service in services.items():
        assert service["deploy"]["endpoint_mode"] == "dnsrr", name
    networks = stack()["networks"]
    assert networks["internal"]["internal"] is True


def test_passwords_and_keys_come_from_secrets():
    for name, service in stack()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|KEYS?$|AMQP_URL", key) and not key.endswith("_FILE"):
                if key.startswith("TLS_"):
                    continue
                pytest.fail(f"{name}: {key} is set in the stack file; use {key}_FILE with a Docker secret")
            if key.endswith("_FILE") and not key.startswith("TLS_"):
                assert str(value).startswith("/run/secrets/"), f"{name}: {key}={value}"


def declared_settings(binary):
    """Names and required flags from the component's --help (libs/config prints every setting)."""
    result = subprocess.run([str(binary), "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    settings = {}
    for match in re.finditer(r"^  ([A-Z][A-Z0-9_]+)  \(([^)]*)\)", result.stdout, re.MULTILINE):
        settings[match.group(1)] = "required" in match.group(2)
    assert settings, f"{binary} --help listed no settings:\n{result.stdout}"
    return settings


@pytest.mark.parametrize("name", COMPONENTS)
def test_stack_sets_only_settings_the_component_reads_and_every_required_one(name):
    binary = built_binary(name)
    settings = declared_settings(binary)
    environment = stack()["services"][name].get("environment") or {}
    given = {key[:-len("_FILE")] if key.endswith("_FILE") and key not in settings else key
             for key in environment}
    unknown = sorted(given - set(settings) - NOT_READ_BY_COMPONENT)
    assert not unknown, f"{name}: the stack sets {unknown}, which {binary.name} does not read"
    missing = sorted(key for key, required in settings.items() if required and key not in given)
    assert not missing, f"{name}: required settings not set by the stack: {missing}"


def package_of(library_path):
    result = subprocess.run(["dpkg-query", "-S", library_path], capture_output=True, text=True)
    if result.returncode != 0:
        # /lib is a symlink to /usr/lib on Debian 12; dpkg records whichever path the package shipped.
        alternative = library_path.replace("/usr/lib/", "/lib/", 1) if library_path.startswith("/usr/lib/") \
            else library_path.replace("/lib/", "/usr/lib/", 1)
        result = subprocess.run(["dpkg-query", "-S", alternative], capture_output=True, text=True)
    assert result.returncode == 0, f"no Debian package ships {library_path}"
    return result.stdout.split(":", 1)[0].strip()


def runtime_packages():
    return {line.strip() for line in RUNTIME_PACKAGES.read_text().splitlines()
            if line.strip() and not line.startswith("#")}


@pytest.mark.parametrize("name", COMPONENTS)
def test_runtime_image_installs_every_shared_library_the_binary_needs(name):
    binary = built_binary(name)
    result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    needed = {}
    for line in result.stdout.splitlines():
        match = re.search(r"=>\s+(/\S+)", line)
        if match:
            needed[match.group(1)] = package_of(match.group(1))
    assert needed, result.stdout
    installed = runtime_packages()
    missing = {path: package for path, package in needed.items() if package not in installed}
    assert not missing, f"{name}: the runtime image lacks {sorted(set(missing.values()))} for {sorted(missing)}"
