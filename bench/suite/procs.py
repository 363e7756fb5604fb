"""What the processes of the benchmark use: resident memory and CPU time from /proc, the machine's load,
and CPU accounting over a measured interval (which process burned the cores: BookStore, MariaDB,
RabbitMQ, nginx, wrk, or other people's work on this shared machine)."""

from __future__ import annotations

import os
import platform
import subprocess

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def read_pid_file(path: str) -> int | None:
    try:
        text = open(path).read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def alive(pid: int | None) -> bool:
    return pid is not None and os.path.exists(f"/proc/{pid}")


def status_kib(pid: int, field: str) -> int | None:
    """A "kB" field of /proc/<pid>/status (VmRSS, VmHWM)."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def memory(pid: int) -> dict:
    """Resident memory now and at its peak, in MiB; of it, the process's own (anonymous: heap, stacks)
    and file-backed pages (code and libraries, shared with every process mapping the same files)."""
    def mib(field):
        kib = status_kib(pid, field)
        return None if kib is None else round(kib / 1024, 2)
    return {"rss_mib": mib("VmRSS"), "peak_rss_mib": mib("VmHWM"), "anon_mib": mib("RssAnon"),
            "file_mib": mib("RssFile")}


def cpu_ticks_split(pid: int) -> tuple[int, int] | None:
    """(user, system) CPU time of a process (all its threads), in clock ticks."""
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]), int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def cpu_ticks(pid: int) -> int | None:
    """User + system CPU time of a process (all its threads), in clock ticks."""
    split = cpu_ticks_split(pid)
    return None if split is None else sum(split)


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        return []


def machine_busy_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])       # guest time is already counted in user
    return total - idle, total


def load_average() -> list[float]:
    return [float(x) for x in open("/proc/loadavg").read().split()[:3]]


class CpuMeter:
    """CPU used by named processes (and by the whole machine) between start() and stop().

    `groups` maps a name to a function returning the pids to account for (looked up at start, so a
    group's processes must exist then)."""

    def __init__(self, groups: dict):
        self.groups = groups

    def start(self):
        self.pids = {name: [p for p in find() if alive(p)] for name, find in self.groups.items()}
        self.before = {name: self._ticks(pids) for name, pids in self.pids.items()}
        self.machine_before = machine_busy_ticks()
        self.load_before = load_average()

    def stop(self, seconds: float, extra_pids: dict | None = None) -> dict:
        """CPU per group as a share of one core (100 = one core busy) over `seconds`; `machine` is the
        whole machine's busy share of all cores, `others` what none of the groups (nor extra_pids, e.g.
        wrk with its ticks counted elsewhere) account for, `user` each group's share spent in user space
        (the rest went to the kernel: system calls, the network stack, scheduling)."""
        busy_before, total_before = self.machine_before
        busy_after, total_after = machine_busy_ticks()
        cores = os.cpu_count() or 1
        result = {}
        user = {}
        ours = 0
        for name, pids in self.pids.items():
            (user_after, system_after), (user_before, system_before) = self._ticks(pids), self.before[name]
            ticks = user_after + system_after - user_before - system_before
            ours += ticks
            result[name] = round(100 * ticks / CLOCK_TICKS / seconds, 1)
            user[name] = round(100 * (user_after - user_before) / CLOCK_TICKS / seconds, 1)
        for name, ticks in (extra_pids or {}).items():
            ours += ticks
            result[name] = round(100 * ticks / CLOCK_TICKS / seconds, 1)
        machine_busy = busy_after - busy_before
        total = max(1, total_after - total_before)
        result["machine_busy_pct_of_all_cores"] = round(100 * machine_busy / total, 1)
        # /proc/stat jiffies are per CPU: convert "ours" (process ticks) into the same unit.
        result["others_cores"] = round(max(0, machine_busy - ours) / max(1, total / cores) , 2)
        result["load_before"] = self.load_before
        result["user"] = user
        return result

    @staticmethod
    def _ticks(pids) -> tuple[int, int]:
        """(user, system) ticks of `pids` together, one read of each /proc/<pid>/stat."""
        splits = [cpu_ticks_split(p) or (0, 0) for p in pids]
        return sum(u for u, _ in splits), sum(s for _, s in splits)


def machine() -> dict:
    """The machine the benchmark ran on, for the report."""
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = 0
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    def version(cmd):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return (out.stdout + out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return None
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": _os_release(),
        "nginx": version(["nginx", "-v"]),
        "wrk": version(["wrk", "-v"]),
        "mariadb": version(["mariadbd", "--version"]),
    }


def _os_release() -> str:
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.platform()
