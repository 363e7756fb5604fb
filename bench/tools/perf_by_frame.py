#!/usr/bin/python3
"""Where a BookStore process spends its user-space CPU, by the innermost BookStore function on the stack.

Reads a `perf record --call-graph fp` file of one process (a build with frame pointers:
BOOKSTORE_BENCH_CXX_FLAGS="-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer", see docs/performance.md)
and prints the share of user-space samples under each innermost `bookstore::` frame; samples with no
such frame (Asio's scheduler and I/O operations, Beast's parser, malloc) are listed by their leaf function.

Why not `perf report --children`: an Asio coroutine is resumed by the scheduler, so while a child
coroutine runs its parents are not on the native stack, and "children" time never reaches them. The
innermost frame of our own code is the most specific owner a sample has.

    perf record -F 2000 --call-graph fp -p <pid> -o gw.data -- sleep 10   # under load
    bench/tools/perf_by_frame.py gw.data --top 40
"""

import argparse
import collections
import re
import subprocess
import sys

KERNEL_ADDRESS = re.compile(r"^f{8}")


def short(symbol: str, width: int) -> str:
    """The symbol without template arguments, cut to `width`."""
    return re.sub(r"<.*", "", symbol)[:width]


def samples(perf_data: str):
    """Each sample's frames, leaf first, as (address, symbol)."""
    out = subprocess.run(["perf", "script", "-i", perf_data, "-F", "ip,sym"], capture_output=True,
                         text=True, check=True).stdout
    for block in out.split("\n\n"):
        frames = []
        for line in block.strip().splitlines():
            parts = line.strip().split(None, 1)
            if parts:
                frames.append((parts[0], parts[1] if len(parts) > 1 else "?"))
        if frames:
            yield frames


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("perf_data", help="a perf.data file recorded with --call-graph fp")
    parser.add_argument("--top", type=int, default=40, help="how many owners to print")
    parser.add_argument("--width", type=int, default=100, help="characters of each symbol to keep")
    args = parser.parse_args()

    total = user = 0
    owners = collections.Counter()
    for frames in samples(args.perf_data):
        total += 1
        if KERNEL_ADDRESS.match(frames[0][0]):
            continue
        user += 1
        owner = next((short(sym, args.width) for _, sym in frames if sym.startswith("bookstore::")), None)
        owners[owner or "(no BookStore frame) " + short(frames[0][1], args.width)] += 1
    if not user:
        print("no user-space samples", file=sys.stderr)
        return 1
    print(f"{total} samples, {user} in user space ({100 * user / total:.1f}%); share of the user-space ones:")
    for owner, count in owners.most_common(args.top):
        print(f"{100 * count / user:5.1f}%  {owner}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
