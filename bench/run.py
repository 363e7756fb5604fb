#!/usr/bin/python3
"""The scenarios of ./bookstore bench, run against the stack scripts/bench.sh started (it exports the
BENCH_* variables this reads). Not meant to be run by hand: use ./bookstore bench --help."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import sys
import time
import traceback

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from suite import fixtures, procs, report, scenarios  # noqa: E402
from suite.stack import Stack  # noqa: E402

# Scenario numbers and names; 8 (footprint) is measured around the others.
NAMES = {"1": "book", "2": "list", "3": "search", "4": "gateway", "5": "login", "6": "orders", "7": "events",
         "8": "footprint", "9": "home", "10": "bookpage", "11": "results", "12": "cart"}
# Names of several scenarios at once.
GROUPS = {"web": ["9", "10", "11", "12"]}
# The web pages run before the purchase saga, which changes stock (the pages show it).
RUN_ORDER = ["1", "4", "2", "3", "9", "10", "11", "12", "5", "7", "6", "8"]
# What each scenario needs: running components, and parts of the data set (fixtures.Fixtures.errors).
REQUIRES = {
    "1": (["gateway", "catalog"], ["books"]),
    "2": (["gateway", "catalog"], ["books"]),
    "3": (["gateway", "catalog"], ["books"]),
    "4": (["gateway", "catalog"], ["books"]),
    "5": (["gateway", "auth"], ["accounts"]),
    "6": (["gateway", "auth", "catalog", "orders"], ["accounts", "api_books", "initial_stock"]),
    "7": (["gateway", "auth", "catalog"], ["accounts", "api_books"]),
    "9": (["web", "gateway", "catalog"], ["books"]),
    "10": (["web", "gateway", "catalog"], ["books"]),
    "11": (["web", "gateway", "catalog"], ["books"]),
    "12": (["web", "gateway", "auth", "catalog"], ["accounts", "books"]),
}


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenarios", nargs="*", help="numbers or names; default all")
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--search-connections", type=int, default=4)
    parser.add_argument("--login-connections", type=int, default=8)
    parser.add_argument("--order-connections", type=int, default=64)
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--perf", action="store_true")
    args = parser.parse_args()
    by_name = {v: k for k, v in NAMES.items()}
    wanted = []
    for s in args.scenarios or RUN_ORDER:
        keys = GROUPS.get(s) or [s if s in NAMES else by_name.get(s)]
        if None in keys:
            parser.error(f"unknown scenario '{s}' (1-12, {', '.join(NAMES.values())} or {', '.join(GROUPS)})")
        wanted += keys
    args.wanted = [k for k in RUN_ORDER if k in wanted]
    return args


def _why_absent(component: str, meta: dict, stack: Stack) -> str:
    if component in meta["missing_components"]:
        return "not built"
    log_file = stack.run_dir / "logs" / f"{component}.log"
    if component in meta["failed_components"]:
        return f"did not start: see {log_file}"
    return f"exited: see {log_file}"


def log(message: str) -> None:
    print(f"==> {message}" if not message.startswith("  ") else message, flush=True)


def main() -> int:
    args = parse_args()
    stack = Stack()
    out_dir = pathlib.Path(os.environ["BENCH_RESULTS_DIR"])
    startup = json.loads(pathlib.Path(os.environ["BENCH_STARTUP_FILE"]).read_text())
    meta = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": procs.machine(),
        "load_at_start": procs.load_average(),
        "git_commit": os.environ.get("BENCH_GIT_COMMIT", ""),
        "extra_cxx_flags": os.environ.get("BENCH_CXX_FLAGS", ""),
        "options": {k: v for k, v in vars(args).items() if k not in ("scenarios",)},
        "components": sorted(stack.component_pids()),
        "missing_components": os.environ.get("BENCH_MISSING", "").split(),
        "failed_components": os.environ.get("BENCH_FAILED", "").split(),
    }
    options = scenarios.Options(duration=args.duration, rounds=args.rounds, warmup=args.warmup,
                                connections=args.connections, search_connections=args.search_connections,
                                login_connections=args.login_connections,
                                order_connections=args.order_connections, subscribers=args.subscribers,
                                perf=args.perf)
    idle = scenarios.footprint_now(stack)

    fx = None
    results = []
    if any(k != "8" for k in args.wanted):
        if stack.pid("catalog") is None:
            log("catalog is not running: the data set cannot be loaded")
            fx = fixtures.Fixtures(errors={part: "catalog is not running" for part in
                                           ("accounts", "books", "api_books", "initial_stock")})
        else:
            log(f"loading the data set ({args.books:,} books)")
            started = time.monotonic()
            fx = fixtures.load(stack, args.books, log)
            meta["data_load_s"] = round(time.monotonic() - started, 1)
        meta["fixtures"] = {"book_id": fx.book_id, "hot_book": fx.hot_book,
                            "many_books": [fx.many_first, fx.many_last], "sse_book": fx.sse_book,
                            "timings": fx.timings, "errors": fx.errors}
    ctx = scenarios.Context(stack, fx, options, out_dir, log)
    for key in args.wanted:
        if key == "8":
            continue
        components, parts = REQUIRES[key]
        absent = [c for c in components if stack.pid(c) is None]
        if absent:
            why = ", ".join(f"{c} ({_why_absent(c, meta, stack)})" for c in absent)
            results.append(scenarios.Result(key, scenarios.TITLES[key], error=f"needs {why}"))
            log(f"scenario {key} ({NAMES[key]}) cannot run: needs {why}")
            continue
        if fx.missing(*parts):
            results.append(scenarios.Result(key, scenarios.TITLES[key], error=fx.missing(*parts)))
            continue
        log(f"scenario {key} ({NAMES[key]})")
        alive_before = stack.component_pids()
        try:
            results.append(getattr(scenarios, f"scenario_{key}")(ctx))
        except Exception as e:  # noqa: BLE001 - reported in the table, the other scenarios go on
            traceback.print_exc()
            results.append(scenarios.Result(key, scenarios.TITLES[key], error=f"{type(e).__name__}: {e}"))
        died = sorted(set(alive_before) - set(stack.component_pids()))
        if died:
            note = f"{', '.join(died)} exited during this scenario (see {stack.run_dir}/logs/)"
            log(note)
            results[-1].notes.append(note)
    if "8" in args.wanted:
        results.append(scenarios.scenario_8(ctx, idle, startup))
    results.sort(key=lambda r: int(r.id))
    meta["load_at_end"] = procs.load_average()
    report.write(out_dir, results, meta)
    print()
    print((out_dir / "table.md").read_text())
    print(f"results: {out_dir}/table.md and results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
