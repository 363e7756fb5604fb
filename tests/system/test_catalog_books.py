"""Catalog's book endpoints as a black box: the ownership matrix, validation, exact prices, soft delete
and seller names from the read model (docs/design.md §2, issue 4)."""

import secrets
import subprocess
from decimal import Decimal

import pytest
import requests

from support import binary_for, wait_for
from support.api import ANONYMOUS, exact_json, problem

BOOK_FIELDS = {"id", "title", "author", "description", "price", "stock", "seller_id", "seller_name", "created_at",
               "updated_at"}


def test_create_read_update_delete(store):
    alice = store.signed_user("Alice Liddell")
    created = store.create_book(alice, title="Madame Bovary", author="Gustave Flaubert",
                                description="First edition reprint.", price=12.5, stock=3)
    assert set(created) == BOOK_FIELDS
    assert created["seller_id"] == alice.id
    assert created["seller_name"] == "Alice Liddell"
    assert created["price"] == Decimal("12.5")
    assert created["created_at"].endswith("Z") and created["updated_at"] == created["created_at"]
    assert store.get_book(created["id"]) == created

    update = store.request("PUT", f"/books/{created['id']}", alice, json={"price": 9.99})
    assert update.status_code == 200, update.text
    updated = exact_json(update)
    assert updated["price"] == Decimal("9.99")
    assert updated["title"] == "Madame Bovary" and updated["stock"] == 3  # a subset changes only itself
    assert updated["updated_at"] >= created["updated_at"]
    assert store.get_book(created["id"]) == updated

    delete = store.request("DELETE", f"/books/{created['id']}", alice)
    assert delete.status_code == 200, delete.text
    assert "message" in delete.json()
    gone = store.request("GET", f"/books/{created['id']}")
    assert gone.status_code == 404
    problem(gone)
    assert store.request("PUT", f"/books/{created['id']}", alice, json={"price": 1}).status_code == 404
    assert store.request("DELETE", f"/books/{created['id']}", alice).status_code == 404
    # Soft delete: the row stays for reservations and history.
    assert store.database("catalog").scalar(
        f"SELECT deleted_at IS NOT NULL FROM books WHERE id = {created['id']}") == "1"


def test_post_answers_location_and_the_exact_price_text(store):
    alice = store.signed_user()
    response = store.request("POST", "/books", alice, data=b'{"title":"T","author":"A","price":0.29,"stock":1}',
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text
    assert '"price":0.29' in response.text  # not 0.28999999999999998, not 2.9E-1
    assert response.headers["Location"] == f"/books/{response.json()['id']}"
    assert store.database("catalog").scalar(f"SELECT price FROM books WHERE id = {response.json()['id']}") == "0.29"


@pytest.mark.parametrize("who", ["owner", "other", "admin", "anonymous"])
def test_ownership_matrix(store, who):
    owner = store.signed_user()
    caller = {"owner": owner, "other": store.signed_user(), "admin": store.signed_user("Admin", role="admin"),
              "anonymous": ANONYMOUS}[who]
    book = store.create_book(owner, stock=2)
    path = f"/books/{book['id']}"

    # read: anyone
    assert store.request("GET", path, caller).status_code == 200
    assert store.request("GET", "/books", caller).status_code == 200

    # create: any user, the seller being the caller
    create = store.request("POST", "/books", caller, json={"title": "Mine", "author": "Me", "price": 1, "stock": 1})
    if who == "anonymous":
        assert create.status_code == 401
        assert create.headers.get("WWW-Authenticate", "").startswith("Bearer")
        problem(create)
    else:
        assert create.status_code == 201, create.text
        assert create.json()["seller_id"] == caller.id

    # update and delete: the owner or an admin
    expected = {"owner": 200, "admin": 200, "other": 403, "anonymous": 401}[who]
    update = store.request("PUT", path, caller, json={"stock": 7})
    assert update.status_code == expected, update.text
    assert store.get_book(book["id"])["stock"] == (7 if expected == 200 else 2)
    delete = store.request("DELETE", path, caller)
    assert delete.status_code == expected, delete.text
    if expected != 200:
        problem(delete)
        assert store.request("GET", path).status_code == 200  # still there
    else:
        assert store.request("GET", path).status_code == 404


def test_admin_edits_keep_the_seller(store):
    owner = store.signed_user("Owner")
    book = store.create_book(owner)
    admin = store.signed_user("Admin", role="admin")
    response = store.request("PUT", f"/books/{book['id']}", admin, json={"title": "Fixed title"})
    assert response.status_code == 200, response.text
    assert response.json()["seller_id"] == owner.id
    assert response.json()["seller_name"] == "Owner"


def test_bad_tokens_are_401(store):
    for header in ("Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer " + "a" * 20 + "." + "b" * 20 + ".c"):
        response = store.request("POST", "/books", headers={"Authorization": header},
                                 json={"title": "T", "author": "A", "price": 1, "stock": 1})
        assert response.status_code == 401, header
        problem(response)


def test_seller_id_in_the_body_must_be_the_callers(store):
    alice, bob = store.signed_user(), store.signed_user()
    body = {"title": "T", "author": "A", "price": 1, "stock": 1}
    own = store.request("POST", "/books", alice, json={**body, "seller_id": alice.id})
    assert own.status_code == 201 and own.json()["seller_id"] == alice.id
    other = store.request("POST", "/books", alice, json={**body, "seller_id": bob.id})
    assert other.status_code == 403
    problem(other)
    # Nor can an update hand a book to someone else, even for an admin.
    book_id = own.json()["id"]
    for user in (alice, store.signed_user("Admin", role="admin")):
        moved = store.request("PUT", f"/books/{book_id}", user, json={"seller_id": bob.id})
        assert moved.status_code == 403
    assert store.get_book(book_id)["seller_id"] == alice.id


def test_unknown_fields_are_ignored(store):
    alice = store.signed_user()
    book = store.create_book(alice, colour="red", id=999999, created_at="1999-01-01T00:00:00Z", version=77)
    assert book["id"] != 999999 and not book["created_at"].startswith("1999")
    assert "colour" not in book


VALID = {"title": "Germinal", "author": "Émile Zola", "description": "", "price": 12.5, "stock": 1}
INVALID = [
    ("title", {"title": ""}),
    ("title", {"title": "   "}),
    ("title", {"title": "x" * 201}),
    ("title", {"title": 42}),
    ("title", {"title": "a\u0000b"}),
    ("author", {"author": ""}),
    ("author", {"author": "a" * 121}),
    ("author", {"author": ["Zola"]}),
    ("description", {"description": "d" * 5001}),
    ("description", {"description": "nul\u0000"}),
    ("price", {"price": 0}),
    ("price", {"price": -3}),
    ("price", {"price": 1.234}),
    ("price", {"price": 1000000.01}),
    ("price", {"price": "12.50"}),
    ("price", {"price": None}),  # null is "not given": missing on POST
    ("stock", {"stock": -1}),
    ("stock", {"stock": 1000001}),
    ("stock", {"stock": 1.5}),
    ("stock", {"stock": "3"}),
    ("stock", {"stock": None}),
    ("title", {"title": None}),
]


@pytest.mark.parametrize("field,change", INVALID, ids=[f"{f}-{i}" for i, (f, _) in enumerate(INVALID)])
def test_validation_names_the_field_and_writes_nothing(store, field, change):
    seller = store.signed_user()
    response = store.request("POST", "/books", seller, json={**VALID, **change})
    assert response.status_code == 400, response.text
    body = problem(response)
    assert body["field"] == field, body
    assert body["error"] == body["detail"]
    assert store.database("catalog").scalar(f"SELECT COUNT(*) FROM books WHERE seller_id = {seller.id}") == "0"


def test_limits_are_inclusive(store):
    seller = store.signed_user()
    book = store.create_book(seller, title="é" * 200, author="a" * 120, description="d" * 5000, price=1000000,
                             stock=1000000)
    assert len(book["title"]) == 200 and book["price"] == 1000000
    cheapest = store.create_book(seller, price=0.01, stock=0)
    assert cheapest["price"] == Decimal("0.01") and cheapest["stock"] == 0


def test_put_validation_leaves_the_book_unchanged(store):
    seller = store.signed_user()
    book = store.create_book(seller, price=5, stock=2)
    for field, change in INVALID:
        if None in change.values():
            continue  # null in a PUT means "leave as is"
        response = store.request("PUT", f"/books/{book['id']}", seller, json={"title": "Changed", **change})
        assert response.status_code == 400, (change, response.text)
        assert problem(response)["field"] == field
    assert store.get_book(book["id"]) == book


def test_bodies_that_are_not_json_objects(store):
    seller = store.signed_user()
    for raw in (b"", b"not json", b"[1,2]", b'"text"', b'{"title":"caf\xe9"}', b'{"title":"x",}'):
        response = store.request("POST", "/books", seller, data=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, raw
        problem(response)


def test_ids_that_name_no_book(store):
    for path in ("/books/0", "/books/-1", "/books/abc", "/books/99999999999", "/books/1.5"):
        response = store.request("GET", path)
        assert response.status_code == 404, path
        problem(response)


def test_seller_name_comes_from_the_token_until_user_registered_arrives(store):
    # A user auth never announced (no user.registered): the token's name stands in.
    ghost = store.signed_user("Name From Token")
    book = store.create_book(ghost)
    assert book["seller_name"] == "Name From Token"

    # Then the event arrives, and its name wins, also over later tokens.
    store.publish("user.registered", {"user_id": ghost.id, "name": "Name From Event", "role": "user",
                                      "created_at": "2024-01-01T00:00:00Z"})
    wait_for(lambda: store.get_book(book["id"])["seller_name"] == "Name From Event", timeout=30, interval=0.02,
             message="name from the event")
    again = store.create_book(ghost)
    assert again["seller_name"] == "Name From Event"


def test_users_and_admin_of_the_real_auth(store):
    # Registered through the real auth: its user.registered feeds the read model.
    user = store.registered_user(f"Reader {secrets.token_hex(2)}")
    wait_for(lambda: store.database("catalog").scalar(
        f"SELECT name FROM sellers WHERE user_id = {user.id} AND from_event") == user.name,
        timeout=30, interval=0.02, message="user.registered stored")
    book = store.create_book(user)
    assert book["seller_name"] == user.name and book["seller_id"] == user.id

    admin = store.registered_admin()
    assert store.request("PUT", f"/books/{book['id']}", store.registered_user(), json={"stock": 3}).status_code == 403
    assert store.request("PUT", f"/books/{book['id']}", admin, json={"stock": 3}).status_code == 200
    assert store.request("DELETE", f"/books/{book['id']}", admin).status_code == 200


def test_text_is_stored_as_sent(store):
    seller = store.signed_user()
    title = "  Crime & Punishment — Преступление и наказание 📚 "
    book = store.create_book(seller, title=title, author="Фёдор Достоевский", description="line 1\nline 2\t<b>")
    assert book["title"] == title.strip()  # only leading and trailing whitespace goes
    assert book["author"] == "Фёдор Достоевский"
    assert store.get_book(book["id"])["description"] == "line 1\nline 2\t<b>"


def test_health_and_readiness(store):
    assert store.catalog.get("/healthz").status_code == 200
    ready = requests.get(store.catalog.admin_url + "/readyz", timeout=10)
    assert ready.status_code == 200
    assert set(ready.json()["checks"]) >= {"db", "broker"}
    assert "http_requests_total" in store.catalog.metrics()


def test_help_lists_the_settings():
    result = subprocess.run([str(binary_for("catalog")), "--help"], capture_output=True, text=True, timeout=20)
    assert result.returncode == 0
    for setting in ("HTTP_PORT", "DB_HOST", "DB_NAME", "AMQP_URL", "AUTH_URL", "LOG_LEVEL"):
        assert setting in result.stdout, setting
