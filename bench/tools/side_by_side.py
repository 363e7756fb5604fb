#!/usr/bin/python3
"""Two or more builds of a server, measured side by side: alternating wrk rounds over each system, with
the CPU per request of the processes serving it (user space apart), and each round's ratio to a base.

On this shared machine only comparisons within one run mean anything, and one comparison only when it
holds in every round: this is how each change of docs/performance.md's "Scenario 1's cache miss"
sections was measured. Each system is the URL to load and the ports its serving processes listen on
(their CPU is what counts, read from /proc as the bench suite does):

    # a kept bench stack (./bookstore bench 1 --keep), a gateway and catalog of another build started on
    # ports 9401 and 9402 by hand (env of the stack's, HTTP_PORT and CATALOG_URLS changed):
    bench/tools/side_by_side.py --rounds 4 \\
        --system before http://127.0.0.1:5260/books/1 5260,5262 --header before "Cache-Control: no-store" \\
        --system after http://127.0.0.1:9401/books/1 9401,9402 --header after "Cache-Control: no-store" \\
        --system nginx http://127.0.0.1:8262/ref/book.json 8261,8262

The last system is the base of the ratios unless --base names another.
"""

import argparse
import pathlib
import re
import statistics
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from suite import procs, wrk  # noqa: E402  (the suite is found through the path above)


def pids_listening_on(ports: list[int]) -> list[int]:
    """The processes listening on `ports` (with every worker of a pre-forked server such as nginx's)."""
    pids = set()
    for port in ports:
        out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True,
                             check=True).stdout
        pids.update(int(p) for p in re.findall(r"pid=(\d+)", out))
    if not pids:
        sys.exit(f"nothing listens on {ports}")
    return sorted(pids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--system", nargs=3, action="append", required=True, metavar=("NAME", "URL", "PORTS"),
                        help="a system: its name, the URL to GET, the ports (comma-separated) of its processes")
    parser.add_argument("--header", nargs=2, action="append", default=[], metavar=("NAME", "HEADER"),
                        help="a request header for system NAME, e.g. 'Cache-Control: no-store'")
    parser.add_argument("--base", help="the system the ratios are taken against (default: the last)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    opt = parser.parse_args()

    names = [name for name, _, _ in opt.system]
    base = opt.base or names[-1]
    if base not in names:
        sys.exit(f"--base {base}: no such system")
    headers = {name: [h for n, h in opt.header if n == name] for name in names}
    systems = {name: (url, pids_listening_on([int(p) for p in ports.split(",")]))
               for name, url, ports in opt.system}
    results = {name: [] for name in names}
    for r in range(opt.rounds):
        for name in (names if r % 2 == 0 else list(reversed(names))):
            url, pids = systems[name]
            meter = procs.CpuMeter({name: lambda pids=pids: pids})
            result = wrk.run(url, "get.lua", headers=headers[name], connections=opt.connections,
                             threads=opt.threads, seconds=opt.seconds, meter=meter)
            results[name].append(result)
            print(f"round {r + 1} {name:>16}: {result['rps']:9.0f} req/s  p99 {result['p99_ms']:6.2f} ms  "
                  f"CPU {result.get('server_cpu_us_per_request')} µs/req "
                  f"({result.get('server_user_cpu_us_per_request')} user)  errors {result['errors']}  "
                  f"load {result['load'][0]}", flush=True)
    print()
    for name in names:
        runs = results[name]
        ratios = [run["rps"] / b["rps"] for run, b in zip(runs, results[base])]
        cpu = statistics.median(run.get("server_cpu_us_per_request") or 0 for run in runs)
        user = statistics.median(run.get("server_user_cpu_us_per_request") or 0 for run in runs)
        print(f"{name:>16}: median {statistics.median(run['rps'] for run in runs):9.0f} req/s, "
              f"CPU {cpu:.1f} µs/req ({user:.1f} user); per round against {base}: "
              + " ".join(f"{ratio:.2f}" for ratio in ratios))


if __name__ == "__main__":
    main()
