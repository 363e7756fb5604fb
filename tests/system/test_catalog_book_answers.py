"""Catalog keeps its answers to GET /books/{id} in memory (services/catalog/handlers/book_answers.h), two
replicas over one database, black-box: an answer is served again without MariaDB; a write through a
replica is read back from it at once and reaches the other replica by the book's event; a request for
the current state (`Cache-Control: no-cache`, what the gateway sends right after a change) reads the
database."""

import re

import pytest

from support import wait_for
from support.api import Client

NO_CACHE = {"Cache-Control": "no-cache"}


def answers(component, result):
    match = re.search(r'^catalog_book_answers_total\{result="' + result + r'"\} (\S+)$', component.metrics(),
                      re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def title(component, path, **kwargs):
    response = Client(component).request("GET", path, **kwargs)
    return response.json()["title"] if response.status_code == 200 else response.status_code


def kept(component, path):
    """Waits until `component` serves `path` from memory (its bus subscriber is connected by then)."""
    def hit():
        before = answers(component, "hit")
        Client(component).get(path)
        return answers(component, "hit") > before
    wait_for(hit, timeout=15, message=f"{path} answered from memory")


@pytest.fixture
def replicas(stack):
    auth = stack.start_auth()
    first, second = stack.start_catalog(), stack.start_catalog()
    seller = Client(auth).new_user("Keeper of books")
    created = Client(first).post("/books", {"title": "Kept", "author": "A", "price": 3, "stock": 2}, seller)
    assert created.status_code == 201, created.text
    return stack, first, second, seller, f"/books/{created.json()['id']}"


def test_an_answer_is_served_again_without_the_database(replicas):
    stack, first, _, _, path = replicas
    kept(first, path)
    # Behind catalog's back (no write through it, no event): only the database has the new title.
    stack.database("catalog").query(f"UPDATE books SET title = 'Changed behind' WHERE id = {path.split('/')[-1]}")
    assert title(first, path) == "Kept"
    assert title(first, path, headers=NO_CACHE) == "Changed behind"
    assert title(first, path) == "Changed behind"  # the fresh read replaced the kept answer


def test_a_write_is_read_back_at_once_here_and_reaches_the_other_replica_by_its_event(replicas):
    _, first, second, seller, path = replicas
    kept(first, path)
    kept(second, path)

    changed = Client(first).request("PUT", path, seller, json={"title": "New title"})
    assert changed.status_code == 200, changed.text
    assert title(first, path) == "New title"
    wait_for(lambda: title(second, path) == "New title", timeout=15, message="the other replica's answer")

    kept(first, path)
    assert Client(second).request("DELETE", path, seller).status_code == 200
    assert title(second, path) == 404
    wait_for(lambda: title(first, path) == 404, timeout=15, message="the deleted book gone on the other replica")
