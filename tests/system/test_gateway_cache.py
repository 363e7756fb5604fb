"""The gateway's response cache in front of a real catalog (and auth), black-box: catalog marks its public
reads cacheable, the gateway serves them again, and every change reaches readers at once through this
gateway, or through catalog's book.* events when made elsewhere.

The catalog here lets shared caches keep its answers for an hour (CATALOG_SHARED_CACHE_SECONDS), so a
fresh answer can only come from an invalidation, never from an entry expiring. Before a test relies on
a cached entry it waits until the book's own book.created event has passed this gateway (its /events
stream shows it): the cache drops the book's entries before publishing an event, so nothing that arrives
later can empty the cache behind the test's back.
"""

import re
import secrets

import pytest
import requests

from support import wait_for
from support.api import Client, exact_json
from support.events import EventStream

SHARED_SECONDS = 3600


class Gateway:
    """A gateway in front of the store's auth and catalog, with its live event stream open."""

    def __init__(self, store):
        self.component = store.start_gateway()
        self.url = self.component.url
        self.client = Client(self.component)
        self.events = EventStream(self.url + "/events")
        assert self.events.status_code == 200

    def request(self, method, path, user=None, **kwargs):
        return self.client.request(method, path, user, **kwargs)

    def get(self, path, user=None, **kwargs):
        response = self.request("GET", path, user, **kwargs)
        assert response.status_code == 200, response.text
        return response

    def cache_count(self, result):
        text = self.component.metrics()
        match = re.search(r'^gateway_response_cache_requests_total\{result="' + result + r'"\} (\S+)$', text,
                          re.MULTILINE)
        return float(match.group(1)) if match else 0.0

    def wait_book_event(self, book_id, event_type):
        """Returns once this gateway has handled `event_type` of the book (and so invalidated for it)."""
        self.events.wait_event(lambda e: e["event"] == event_type and e["data"]["id"] == book_id, timeout=30)


@pytest.fixture(scope="module")
def stack(module_stack):
    """auth and catalog (keeping answers for an hour in shared caches), and a gateway in front of them. The
    store's own calls go straight to catalog (no entry gateway): changes "made elsewhere"."""
    store = module_stack.start_store(orders=0, catalog_env={"CATALOG_SHARED_CACHE_SECONDS": str(SHARED_SECONDS)})
    gateway = Gateway(store)
    yield store, gateway
    gateway.events.close()


def new_book(store, gateway, seller, **fields):
    """A book created straight at catalog, once its book.created has passed the gateway."""
    book = store.create_book(seller, **fields)
    gateway.wait_book_event(book["id"], "book.created")
    return book


def cached(gateway, path):
    """GETs `path` through the gateway twice and checks the second answer came from its cache; returns it."""
    gateway.get(path)
    hits = gateway.cache_count("hit")
    response = gateway.get(path)
    assert gateway.cache_count("hit") == hits + 1, f"{path}: the second GET was not a hit"
    return response


def cached_book(store, gateway, title):
    """A new seller's new book, in the gateway's cache: (the seller, the book's path)."""
    seller = store.signed_user(f"Seller of {title}")
    path = f"/books/{new_book(store, gateway, seller, title=title)['id']}"
    assert cached(gateway, path).json()["title"] == title
    return seller, path


def test_catalog_marks_only_its_public_reads_cacheable(stack):
    store, _ = stack
    seller = store.signed_user("Cache Seller")
    book = store.create_book(seller)
    for path in (f"/books/{book['id']}", "/books?limit=5", f"/books?seller_id={seller.id}"):
        response = store.request("GET", path, seller)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == f"public, max-age=0, s-maxage={SHARED_SECONDS}", path
    for method, path, expected in (("GET", "/books/999999999", 404), ("GET", "/books?limit=0", 400),
                                   ("PUT", f"/books/{book['id']}", 200)):
        response = store.request(method, path, seller, json={"stock": 2} if method == "PUT" else None)
        assert response.status_code == expected, response.text
        assert "Cache-Control" not in response.headers, (method, path)
    created = store.request("POST", "/books", seller, json={"title": "T", "author": "A", "price": 1, "stock": 1})
    assert created.status_code == 201
    assert "Cache-Control" not in created.headers


def test_a_second_get_is_a_hit_also_for_a_caller_with_a_token(stack):
    store, gateway = stack
    seller = store.signed_user("Hit Seller")
    book = new_book(store, gateway, seller)
    path = f"/books/{book['id']}"
    hits = gateway.cache_count("hit")
    misses = gateway.cache_count("miss")

    first = gateway.get(path)
    second = gateway.get(path)
    third = gateway.get(path, seller)  # a public answer serves callers with credentials too

    assert gateway.cache_count("miss") == misses + 1
    assert gateway.cache_count("hit") == hits + 2
    assert exact_json(second) == exact_json(first) == exact_json(third)
    assert "Age" not in first.headers and int(second.headers["Age"]) >= 0
    assert second.headers["Cache-Control"] == first.headers["Cache-Control"]
    # Each answer carries the id of its own request, cached or not.
    mine = f"cache-test-{secrets.token_hex(4)}"
    assert gateway.get(path, headers={"X-Request-ID": mine}).headers["X-Request-ID"] == mine


def test_a_change_through_the_gateway_is_read_back_at_once(stack):
    store, gateway = stack
    seller, path = cached_book(store, gateway, "Before")

    changed = gateway.request("PUT", path, seller, json={"title": "After"})
    assert changed.status_code == 200, changed.text
    assert gateway.get(path).json()["title"] == "After"


def test_a_change_made_elsewhere_reaches_the_gateway_by_its_event(stack):
    store, gateway = stack
    seller, path = cached_book(store, gateway, "Old title")

    # Straight at catalog, as another gateway replica (or the order saga) would.
    changed = store.request("PUT", path, seller, json={"title": "New title", "stock": 7})
    assert changed.status_code == 200, changed.text
    fresh = wait_for(lambda: (body := gateway.get(path).json())["title"] == "New title" and body, timeout=15,
                     interval=0.05, message="the new title through the gateway")
    assert fresh["stock"] == 7

    deleted = store.request("DELETE", path, seller)
    assert deleted.status_code == 200
    wait_for(lambda: gateway.request("GET", path).status_code == 404, timeout=15, interval=0.05,
             message="the deleted book gone through the gateway")


def test_listings_reflect_new_books(stack):
    store, gateway = stack
    seller = store.signed_user("Lister")
    first = new_book(store, gateway, seller)
    listing = f"/books?seller_id={seller.id}&limit=100"

    def ids():
        return [b["id"] for b in gateway.get(listing).json()]

    assert [b["id"] for b in cached(gateway, listing).json()] == [first["id"]]

    # Made elsewhere: the book.created event drops every listing.
    second = store.create_book(seller)
    wait_for(lambda: second["id"] in ids(), timeout=15, interval=0.05, message="the new book in the listing")
    assert int(gateway.get(listing).headers["X-Total-Count"]) == 2

    # Made through this gateway: visible in the very next listing.
    created = gateway.request("POST", "/books", seller, json={"title": "Third", "author": "A", "price": 3,
                                                                "stock": 1})
    assert created.status_code == 201, created.text
    assert created.json()["id"] in ids()
