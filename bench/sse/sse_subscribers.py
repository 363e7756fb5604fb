#!/usr/bin/python3
"""Many Server-Sent Events subscribers on one gateway, and how fast a stock change reaches all of them
(scenario 7 of ./bookstore bench; usable alone).

Opens --subscribers connections to GET /events (anonymous: every subscriber gets the public book.*
events), waits until each stream said ": connected", then changes the stock of --book through
PUT /books/{id} (with --token, the seller's) --changes times, each to a value no other event carries,
and records when each subscriber's stream carried it. Prints one JSON object: connected, failed, and per
change the delivery latency percentiles (from just before the PUT was sent), how many subscribers got
it, and how many within --deadline.

Asyncio Protocols rather than streams: the arrival time is taken first thing in data_received, and a
substring test is all the per-chunk work, so 5,000 subscribers cost the client little CPU. Raise the
file-descriptor limit before (ulimit -n); this script raises its soft limit to the hard one.

    sse_subscribers.py --url http://127.0.0.1:5260 --subscribers 5000 --book 42 --token "$TOKEN"
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
import urllib.parse

MARKER_BASE = 770_000  # stock values 770001, 770002, ... exist nowhere else in the data set


class Subscriber(asyncio.Protocol):
    def __init__(self, request: bytes, state: "Run"):
        self.request, self.state = request, state
        self.transport = None
        self.buffer = b""
        self.connected_at = None
        self.status_ok = None
        self.closed = False
        self.received = {}  # change number -> arrival time

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data):
        now = time.monotonic()
        self.buffer += data
        if self.connected_at is None:
            if self.status_ok is None and b"\r\n" in self.buffer:
                self.status_ok = self.buffer.startswith(b"HTTP/1.1 200")
                if not self.status_ok:
                    self.state.failures.append(self.buffer.split(b"\r\n", 1)[0].decode(errors="replace"))
                    self.transport.close()
                    return
            if b": connected" in self.buffer:
                self.connected_at = now
                self.state.on_connected()
                self.buffer = self.buffer[self.buffer.index(b": connected"):]
            return
        change = self.state.current_change
        if change and change not in self.received and self.state.markers[change] in self.buffer:
            self.received[change] = now
            self.state.on_received(change)
        if len(self.buffer) > 65536:
            self.buffer = self.buffer[-4096:]  # keep the tail: a marker may straddle two reads

    def connection_lost(self, exc):
        self.closed = True
        if self.connected_at is None and self.status_ok is not False:
            self.state.failures.append(f"closed before connected: {exc}")
        self.state.on_closed(self)


class Run:
    def __init__(self, args):
        self.args = args
        self.markers = {}
        self.current_change = 0
        self.connected = 0
        self.failures = []
        self.subscribers = []
        self.lost_after_connect = 0
        self.all_connected = asyncio.Event()
        self.all_received = asyncio.Event()
        self.received_count = 0

    def on_connected(self):
        self.connected += 1
        if self.connected + len(self.failures) >= self.args.subscribers:
            self.all_connected.set()

    def on_received(self, change):
        self.received_count += 1
        if self.received_count >= self.expected:
            self.all_received.set()

    def on_closed(self, sub):
        if sub.connected_at is not None:
            self.lost_after_connect += 1
        elif self.connected + len(self.failures) >= self.args.subscribers:
            self.all_connected.set()


async def open_subscribers(run: Run, host: str, port: int, path: str):
    loop = asyncio.get_running_loop()
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
               f"Cache-Control: no-cache\r\n\r\n").encode()
    semaphore = asyncio.Semaphore(run.args.connect_concurrency)

    async def one():
        async with semaphore:
            try:
                _, protocol = await loop.create_connection(lambda: Subscriber(request, run), host, port)
            except OSError as e:
                run.failures.append(f"connect: {e}")
                if run.connected + len(run.failures) >= run.args.subscribers:
                    run.all_connected.set()
                return
            run.subscribers.append(protocol)

    await asyncio.gather(*(one() for _ in range(run.args.subscribers)))


async def put_stock(host, port, book, token, stock) -> tuple[int, float]:
    body = json.dumps({"stock": stock}).encode()
    reader, writer = await asyncio.open_connection(host, port)
    started = time.monotonic()
    writer.write((f"PUT /books/{book} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                  f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n")
                 .encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    elapsed = time.monotonic() - started
    await reader.read()
    writer.close()
    status = int(status_line.split()[1]) if status_line else 0
    return status, elapsed


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


async def main_async(args) -> dict:
    url = urllib.parse.urlsplit(args.url)
    host, port = url.hostname, url.port or 80
    run = Run(args)
    started = time.monotonic()
    connecting = asyncio.create_task(open_subscribers(run, host, port, "/events"))
    try:
        await asyncio.wait_for(run.all_connected.wait(), timeout=args.connect_timeout)
    except asyncio.TimeoutError:
        pass
    await connecting
    connect_seconds = time.monotonic() - started
    result = {"subscribers": args.subscribers, "connected": run.connected,
              "failed": len(run.failures), "failure_examples": sorted(set(run.failures))[:5],
              "connect_seconds": round(connect_seconds, 2), "changes": []}
    live = [s for s in run.subscribers if s.connected_at is not None and not s.closed]
    for change in range(1, args.changes + 1):
        stock = MARKER_BASE + change
        run.markers[change] = f'"stock":{stock}'.encode()
        run.expected = len([s for s in live if not s.closed])
        run.received_count = 0
        run.all_received.clear()
        run.current_change = change
        sent_at = time.monotonic()
        status, put_seconds = await put_stock(host, port, args.book, args.token, stock)
        if status != 200:
            result["changes"].append({"change": change, "error": f"PUT /books/{args.book} answered {status}"})
            continue
        try:
            await asyncio.wait_for(run.all_received.wait(), timeout=args.wait)
        except asyncio.TimeoutError:
            pass
        latencies = sorted((s.received[change] - sent_at) * 1000 for s in live if change in s.received)
        result["changes"].append({
            "change": change,
            "expected": run.expected,
            "received": len(latencies),
            "within_deadline": sum(1 for x in latencies if x <= args.deadline * 1000),
            "put_ms": round(put_seconds * 1000, 2),
            "p50_ms": _round(percentile(latencies, 50)),
            "p90_ms": _round(percentile(latencies, 90)),
            "p99_ms": _round(percentile(latencies, 99)),
            "max_ms": _round(latencies[-1] if latencies else None),
        })
        await asyncio.sleep(args.pause)
    result["lost_after_connect"] = run.lost_after_connect
    for s in run.subscribers:
        if s.transport:
            s.transport.close()
    return result


def _round(x):
    return None if x is None else round(x, 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the gateway's base URL")
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--book", type=int, required=True, help="the book whose stock is changed")
    parser.add_argument("--token", required=True, help="a token of the book's seller")
    parser.add_argument("--changes", type=int, default=3)
    parser.add_argument("--deadline", type=float, default=1.0, help="seconds: the target")
    parser.add_argument("--wait", type=float, default=5.0, help="seconds to wait for every subscriber")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between changes")
    parser.add_argument("--connect-concurrency", type=int, default=200)
    parser.add_argument("--connect-timeout", type=float, default=60.0)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.subscribers + 100
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(wanted, soft)), hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if soft < wanted:
            sys.exit(f"the file-descriptor limit ({soft}) is below {wanted}: raise it with ulimit -n")
    print(json.dumps(asyncio.run(main_async(args))))


if __name__ == "__main__":
    main()
