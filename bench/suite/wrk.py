"""Runs wrk with one of the Lua scripts of bench/wrk and returns its JSON report, plus the CPU used by
each process meanwhile and, when asked, a perf profile of the processes under test."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import time

from . import procs

WRK_DIR = pathlib.Path(__file__).resolve().parents[1] / "wrk"


class WrkError(RuntimeError):
    pass


def run(url: str, script: str, args: list[str] | None = None, *, connections: int, threads: int,
        seconds: float, timeout_s: int = 10, meter: procs.CpuMeter | None = None,
        profiler=None, count_statuses: bool = False, headers: list[str] | None = None) -> dict:
    """One wrk run. Returns {"rps", "p50_ms", "p90_ms", "p99_ms", "errors", "requests", "statuses",
    "seconds", "cpu", "load"}; `errors` counts socket errors, timeouts and non-2xx/3xx answers."""
    threads = max(1, min(threads, connections))
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", f"--timeout={timeout_s}s",
           "-s", str(WRK_DIR / script)]
    for header in headers or []:
        cmd += ["-H", header]
    cmd.append(url)
    if args:
        cmd += ["--"] + list(args)
    if meter:
        meter.start()
    started = time.monotonic()
    env = dict(os.environ, BENCH_COUNT_STATUSES="1" if count_statuses else "0")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    wrk_ticks = 0
    profile = profiler.start() if profiler else None
    # wrk's own CPU time, read just before it exits (it is our child: polled, not waited on blindly).
    while proc.poll() is None:
        wrk_ticks = procs.cpu_ticks(proc.pid) or wrk_ticks
        time.sleep(0.2)
    stdout, stderr = proc.communicate()
    elapsed = time.monotonic() - started
    if profiler:
        profile = profiler.stop(profile)
    cpu = meter.stop(elapsed, {"wrk": wrk_ticks}) if meter else {}
    line = next((l for l in stdout.splitlines() if l.startswith("WRK_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise WrkError(f"wrk failed ({proc.returncode}): {stderr.strip() or stdout.strip()}")
    data = json.loads(line[len("WRK_JSON "):])
    duration = data["duration_us"] / 1e6
    pct = data["latency_us"]["percentiles"]
    errors = data["errors"]
    result = {
        "rps": round(data["requests"] / duration, 1),
        "p50_ms": _ms(pct.get("50")),
        "p90_ms": _ms(pct.get("90")),
        "p99_ms": _ms(pct.get("99")),
        "max_ms": _ms(data["latency_us"]["max"]),
        "errors": sum(errors.values()),
        "error_kinds": {k: v for k, v in errors.items() if v},
        "requests": data["requests"],
        "bytes_per_response": round(data["bytes"] / data["requests"]) if data["requests"] else None,
        "statuses": data.get("statuses"),
        "seconds": round(duration, 2),
        "connections": connections,
        "threads": threads,
        "cpu": cpu,
        "load": procs.load_average(),
    }
    # CPU of everything serving the requests (not wrk, not other people's work) per request: a figure the
    # machine's load disturbs far less than throughput.
    server = [v for k, v in cpu.items() if isinstance(v, (int, float)) and k not in
              ("wrk", "machine_busy_pct_of_all_cores", "others_cores")]
    if server and data["requests"]:
        result["server_cpu_us_per_request"] = round(sum(server) / 100 * elapsed / data["requests"] * 1e6, 1)
        # The part of it spent in user space: where a server's own code can still make a difference.
        user = sum(cpu.get("user", {}).values())
        result["server_user_cpu_us_per_request"] = round(user / 100 * elapsed / data["requests"] * 1e6, 1)
    if profile:
        result["profile"] = profile
    return result


def _ms(us):
    return None if us is None else round(us / 1000, 3)


class PerfProfiler:
    """`perf record` (software cpu-clock event: no hardware counters in this VM) of some processes while
    wrk runs; the flat profile (self time per function) is kept."""

    def __init__(self, pids_fn, out_dir: pathlib.Path, name: str):
        self.pids_fn, self.out_dir, self.name = pids_fn, out_dir, name

    def start(self):
        pids = [p for p in self.pids_fn() if procs.alive(p)]
        if not pids:
            return None
        self.out_dir.mkdir(parents=True, exist_ok=True)
        data = self.out_dir / f"{self.name}.perf.data"
        proc = subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-F", "499", "-o", str(data),
                                 "-p", ",".join(map(str, pids))],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        return proc, data

    def stop(self, started):
        if not started:
            return None
        proc, data = started
        proc.send_signal(2)  # SIGINT: perf writes its data and exits
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            return None
        # Where the time went per process (and kernel / library), then each process's hottest functions.
        overview = _perf_report(data, ["--sort", "comm,dso"])
        sections = [overview]
        comms = []
        for line in overview.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith("%") and parts[1] not in comms:
                comms.append(parts[1])
        for comm in comms[:6]:
            sections.append(f"## {comm}\n" + _perf_report(data, ["--comms", comm, "--sort", "dso,symbol",
                                                                    "--percent-limit", "0.5"]))
        text = "\n".join(sections)
        (self.out_dir / f"{self.name}.perf.txt").write_text(text)
        try:
            data.unlink()  # large; the text reports are what is kept
        except OSError:
            pass
        top = [l for l in overview.splitlines() if l.strip()][:12]
        return {"report": str(self.out_dir / f"{self.name}.perf.txt"), "by_process": top}


def _perf_report(data: pathlib.Path, args: list) -> str:
    """perf report as compact text: comment lines and perf's padding removed."""
    out = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--no-children"] + args,
                         capture_output=True, text=True).stdout
    lines = []
    for line in out.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        line = " ".join(line.split())
        lines.append(line.removesuffix(" - -"))
    return "\n".join(lines) + "\n"
