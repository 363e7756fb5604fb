#!/usr/bin/python3
"""Time from exec to ready of one component, for scenario 8 of ./bookstore bench.

Start this first and wait for the --armed file; then start the component (which writes --pid-file).
Polls GET <url>/readyz every 2 ms until it answers 200, then reads the component's pid and its start
time from /proc/<pid>/stat (clock ticks since boot, the same clock as CLOCK_BOOTTIME; 10 ms resolution)
and prints {"ready_ms": ..., "pid": ...}. The start time is the fork of the launching shell, a few
milliseconds at most before the exec."""

import argparse
import http.client
import json
import os
import sys
import time
import urllib.parse


def ready(host, port) -> bool:
    conn = http.client.HTTPConnection(host, port, timeout=1)
    try:
        conn.request("GET", "/readyz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def start_seconds(pid: int) -> float:
    stat = open(f"/proc/{pid}/stat").read()
    ticks = int(stat[stat.rindex(")") + 2:].split()[19])  # field 22: starttime
    return ticks / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid-file", required=True)
    parser.add_argument("--armed", required=True, help="file created once polling has begun")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    deadline = time.monotonic() + args.timeout
    open(args.armed, "w").close()
    while not ready(url.hostname, url.port):
        if time.monotonic() > deadline:
            print(json.dumps({"error": f"not ready within {args.timeout:.0f}s"}))
            return 1
        time.sleep(0.002)
    ready_at = time.clock_gettime(time.CLOCK_BOOTTIME)
    try:
        pid = int(open(args.pid_file).read().strip())
        started = start_seconds(pid)
    except (OSError, ValueError) as e:
        print(json.dumps({"error": f"no pid: {e}"}))
        return 1
    print(json.dumps({"ready_ms": round((ready_at - started) * 1000), "pid": pid}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
