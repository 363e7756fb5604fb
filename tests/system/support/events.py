"""Reading what the store publishes: EventLog for the events on the bus (RabbitMQ, through pika),
EventStream for a gateway's Server-Sent Events (GET /events).

    book = stack.create_book(seller)
    stack.events.wait_book_events(book["id"], 1)    # the stack's tap: book.* and order.stock_*

    stream = EventStream(gateway.url + "/events", headers=bearer(token))
    stream.wait_comment("connected")
    event, before = stream.wait_event(lambda e: e["event"] == "book.created")
"""

import contextlib
import json
import queue
import socket
import threading
import time
from decimal import Decimal

import pika
import requests

from .wait import wait_for

CONTENT_TYPE = "application/cloudevents+json"


class EventLog:
    """Events read from one queue with basic_get, each checked to be a CloudEvent as the bus sends it
    (routing key = type, message id = id, content type), parsed with exact Decimals, and kept: tests
    match them by ids, so one log serves a whole module.

    EventLog(url, queue) reads a queue of the topology (say catalog.events.dead), connecting for each
    poll: the queue keeps what arrives in between. EventLog.tap(url, exchange, queue, keys) does the same
    with a queue of its own bound to keys, made at once and deleted by close(). EventLog.bound(url,
    exchange, keys) reads a private queue bound to the exchange; it lives as long as its connection:
    close() it."""

    def __init__(self, url, queue_name, channel=None, owned=False):
        self.url = url
        self.queue = queue_name
        self.channel = channel
        self.owned = owned  # a tap's queue: deleted by close()
        self.received = []
        self.traceparents = {}  # event id -> the message's traceparent header (None without one)

    @classmethod
    def tap(cls, url, exchange, queue_name, keys):
        connection = pika.BlockingConnection(pika.URLParameters(url))
        try:
            channel = connection.channel()
            channel.exchange_declare(exchange, exchange_type="topic", durable=True)
            channel.queue_declare(queue_name, durable=False, auto_delete=False)
            for key in keys:
                channel.queue_bind(queue_name, exchange, routing_key=key)
        finally:
            connection.close()
        return cls(url, queue_name, owned=True)

    @classmethod
    def bound(cls, url, exchange, keys):
        connection = pika.BlockingConnection(pika.URLParameters(url))
        channel = connection.channel()
        # Same arguments as libs/bus declares (topic, durable), so whoever comes first creates it.
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        name = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        for key in keys:
            channel.queue_bind(name, exchange, routing_key=key)
        return cls(url, name, channel)

    @contextlib.contextmanager
    def _open(self):
        if self.channel is not None:
            yield self.channel
            return
        connection = pika.BlockingConnection(pika.URLParameters(self.url))
        try:
            yield connection.channel()
        finally:
            connection.close()

    def poll(self, wait_ms=300):
        """Takes every message ready in the queue, waiting up to wait_ms for the first."""
        deadline = time.monotonic() + wait_ms / 1000
        taken = False
        with self._open() as channel:
            while True:
                method, properties, body = channel.basic_get(self.queue, auto_ack=True)
                if method is not None:
                    self._keep(method, properties, body)
                    taken = True
                elif taken or time.monotonic() >= deadline:
                    return
                else:
                    time.sleep(0.02)

    def _keep(self, method, properties, body):
        event = json.loads(body, parse_float=Decimal)
        if not self.queue.endswith(".dead"):  # dead letters carry their queue's name as routing key
            assert method.routing_key == event["type"], (method.routing_key, event)
        assert properties.message_id == event["id"], (properties.message_id, event)
        assert properties.content_type == CONTENT_TYPE, (properties.content_type, event)
        self.traceparents[event["id"]] = (properties.headers or {}).get("traceparent")
        self.received.append(event)

    def matching(self, predicate):
        """The events received so far that match (call poll() first for the latest)."""
        return [event for event in self.received if predicate(event)]

    def wait_for(self, predicate, count=1, timeout=30, what="events"):
        """The events matching predicate, once there are at least `count` of them."""

        def enough():
            self.poll()
            found = self.matching(predicate)
            return found if len(found) >= count else None

        return wait_for(enough, timeout=timeout, interval=0.01, message=f"{count} {what}", retry_on=())

    def book_events(self, book_id):
        return self.matching(lambda e: e["type"].startswith("book.") and e["data"]["id"] == book_id)

    def wait_book_events(self, book_id, count, timeout=30):
        return self.wait_for(lambda e: e["type"].startswith("book.") and e["data"]["id"] == book_id, count,
                             timeout, what=f"events of book {book_id}")

    def wait_order_outcome(self, order_id, timeout=30):
        """catalog's answer to an order.placed: its order.stock_reserved or order.stock_rejected."""
        found = self.wait_for(lambda e: e["type"] in ("order.stock_reserved", "order.stock_rejected")
                              and e["data"]["order_id"] == order_id, 1, timeout, what=f"outcome of order {order_id}")
        return found[0]

    def close(self):
        if self.channel is not None:
            try:
                self.channel.connection.close()
            except Exception:  # noqa: BLE001 - best effort at teardown
                pass
            self.channel = None
        if self.owned:
            self.owned = False
            with contextlib.suppress(Exception), self._open() as channel:  # best effort at teardown
                channel.queue_delete(self.queue)


class EventStream:
    """A GET /events stream read on a thread of its own: events ({"event", "id", "data"}) and comments
    land in queues."""

    def __init__(self, url, headers=None):
        self.events = queue.Queue()
        self.comments = queue.Queue()
        self.ended = threading.Event()
        self.response = requests.get(url, headers=headers, stream=True, timeout=(5, 120))
        self.status_code = self.response.status_code
        # The stream's socket (urllib3 hands it to http.client's reader and forgets it), for close().
        self._socket = getattr(getattr(getattr(getattr(self.response.raw, "_fp", None), "fp", None), "raw", None),
                               "_sock", None)
        if self.status_code == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.ended.set()

    def _read(self):
        fields = {}
        pending = b""
        try:
            # Each SSE write of the gateway is one HTTP chunk: read them as they come.
            for chunk in self.response.iter_content(chunk_size=None):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for raw in lines:
                    fields = self._line(raw.decode("utf-8"), fields)
        except (requests.RequestException, ValueError, OSError, AttributeError):
            pass  # closed by the test (AttributeError: urllib3 reading from a response closed meanwhile)
        finally:
            self.ended.set()

    def _line(self, line, fields):
        if line.startswith(":"):
            self.comments.put(line[1:].strip())
        elif line == "":
            if fields:
                data = fields.get("data")
                self.events.put({"event": fields.get("event"), "id": fields.get("id"),
                                 "data": json.loads(data) if data else None})
            return {}
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            fields[name] = fields[name] + "\n" + value if name in fields else value
        return fields

    def wait_comment(self, text, timeout=15):
        _take(self.comments, lambda comment: comment == text, timeout,
              lambda _: f"no ': {text}' comment within {timeout}s")

    def wait_event(self, predicate, timeout=15):
        """Returns (the matching event, every event received before it)."""
        return _take(self.events, predicate, timeout, lambda before: f"no matching event within {timeout}s; got {before}")

    def drain(self):
        """Every event received and not yet taken, without waiting."""
        taken = []
        while True:
            try:
                taken.append(self.events.get_nowait())
            except queue.Empty:
                return taken

    def close(self):
        # Shut the socket down first: closing the response alone waits for the reader thread's read to
        # return, i.e. for the next heartbeat (15 s).
        if self._socket is not None:
            with contextlib.suppress(OSError):  # already closed by the server
                self._socket.shutdown(socket.SHUT_RDWR)
        self.response.close()


def _take(items, predicate, timeout, complaint):
    """(the first item of the queue matching predicate, the items taken before it), waiting up to timeout;
    TimeoutError(complaint(items taken)) after that."""
    before = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(complaint(before))
        try:
            item = items.get(timeout=left)
        except queue.Empty:
            continue
        if predicate(item):
            return item, before
        before.append(item)
