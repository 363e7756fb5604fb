"""The components' event loops run on io_uring (README, "Event loop: io_uring"). Where a process cannot open
a ring (Docker Engine 25 and later deny io_uring in their default seccomp profile; kernel.io_uring_disabled;
the locked-memory limit) a component switches by itself to the epoll build lying next to it as
"<executable>-epoll" (the images carry one), with the same arguments and environment; without one it stops
at start-up, saying why and what to do. In an epoll build (BOOKSTORE_ASIO_IO_URING=OFF) these tests skip:
there is no ring to open.

Here the ring is denied the way a host's locked-memory limit denies it: the component runs as an
unprivileged user with `ulimit -l 0` (root's CAP_IPC_LOCK would lift the limit). A seccomp denial takes the
same path with another error number (checked by hand with `docker run --security-opt seccomp=...`)."""

import os
import shutil
import subprocess
import tempfile

import pytest

from support.component import built_binary, json_log_lines
from support.ports import free_port


def on_io_uring(binary):
    libraries = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, timeout=30).stdout
    return "liburing" in libraries


@pytest.fixture
def folder():
    """A folder the unprivileged user can read and run from (pytest's tmp_path is root's alone)."""
    path = tempfile.mkdtemp(prefix="bookstore-event-loop-")
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_without_locked_memory(command, env):
    if os.geteuid() != 0:
        pytest.fail("these tests switch to an unprivileged user: run them as root (./bookstore test does)",
                    pytrace=False)
    unprivileged = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "prlimit", "--memlock=0", "--"]
    return subprocess.run(unprivileged + command, capture_output=True, text=True, env=env, timeout=60)


def staged(binary, folder):
    """The component's executable copied where the unprivileged user can run it."""
    if not on_io_uring(binary):
        pytest.skip(f"{binary} is an epoll build (BOOKSTORE_ASIO_IO_URING=OFF): it never opens a ring")
    target = os.path.join(folder, binary.name)
    shutil.copy2(binary, target)
    os.chmod(target, 0o755)
    return target


def test_a_component_without_a_ring_runs_the_epoll_build_beside_it(folder):
    catalog = staged(built_binary("catalog"), folder)
    stand_in = catalog + "-epoll"
    with open(stand_in, "w", encoding="utf-8") as script:
        # Stands in for the epoll build: shows what it was started with.
        script.write('#!/bin/sh\necho "epoll build started with: $* SETTING=$SETTING"\n')
    os.chmod(stand_in, 0o755)

    result = run_without_locked_memory([catalog, "--help"], env={"PATH": "/usr/bin:/bin", "SETTING": "kept"})

    assert result.returncode == 0, result.stdout + result.stderr
    assert "epoll build started with: --help SETTING=kept" in result.stdout
    switched = [line for line in json_log_lines(result.stdout + result.stderr)
                if line.get("msg") == "io_uring is unavailable here: running the epoll build"]
    assert switched and switched[0]["build"] == stand_in and switched[0]["level"] == "warn", result.stdout


def test_a_component_without_a_ring_and_no_epoll_build_stops_with_the_reason(folder):
    gateway = staged(built_binary("gateway"), folder)

    result = run_without_locked_memory([gateway], env={"PATH": "/usr/bin:/bin", "HTTP_PORT": str(free_port()),
                                                       "HTTP_ADMIN_PORT": str(free_port())})

    assert result.returncode == 1, result.stdout + result.stderr
    failed = [line for line in json_log_lines(result.stdout + result.stderr) if line.get("msg") == "gateway failed"]
    assert failed, result.stdout + result.stderr
    assert failed[0]["error"].startswith("io_uring_queue_init: Cannot allocate memory"), failed[0]
    assert "locked-memory limit" in failed[0]["hint"], failed[0]
