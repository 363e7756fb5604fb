"""The data every scenario needs, loaded once per run into the bench stack's empty databases:
seller and buyer accounts (through auth's API, so they are real users with argon2id hashes and their
user.registered events reach catalog), the fixed 100,000 books (straight into catalog's database, see
dataset.py), the books of the purchase and live-event scenarios (through catalog's API, so their
book.created events reach orders' read model like any seller's book), and a snapshot of every book's
initial stock for the check after the purchase scenarios."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import pathlib
import threading
import time

from . import dataset
from .stack import Client, Stack

BOOK_WORDS_BACKFILL = (pathlib.Path(__file__).resolve().parents[2] / "services" / "catalog" / "migrations" /
                       "0005_fill_book_words.sql")

PASSWORD = "Bench pass-phrase {}"
SELLERS = len(dataset.SELLER_NAMES)
BUYERS = 32                  # scenario 5 logs them in in turn; scenario 12 fills a cart
# Scenario 6's buyers. Each runs up orders it never pays, with the per-user limits lifted (scripts/bench.sh),
# and placement reads each buyer's unpaid orders and orders of the rate window for the limits: with 32
# buyers each held ~700 of them by the second run, and MariaDB spent ~50% more CPU per order (1.6 against
# 1.05 ms, same stack, same minute) reading histories a store whose limits hold (5 unpaid, 30 per 10 min)
# never has. With 512, a buyer places ~20 orders per bench.
SAGA_BUYERS = 512
HOT_BOOK_STOCK = 400_000     # enough for the hot-book scenario at any plausible rate
MANY_BOOKS = 1000
MANY_BOOK_STOCK = 1000
SCENARIO_1_BOOK = 4242       # a book of the fixed data set (the same bytes on every run)


@dataclasses.dataclass
class Account:
    user_id: int
    name: str
    email: str
    password: str
    token: str = ""


@dataclasses.dataclass
class Fixtures:
    sellers: list = dataclasses.field(default_factory=list)
    buyers: list = dataclasses.field(default_factory=list)
    saga_buyers: list = dataclasses.field(default_factory=list)
    books_loaded: int = 0
    book_id: int | None = None
    hot_book: int | None = None
    many_first: int | None = None
    many_last: int | None = None
    sse_book: int | None = None
    timings: dict = dataclasses.field(default_factory=dict)
    # Why a part could not be loaded (a component missing or failing); the scenarios needing it say so.
    errors: dict = dataclasses.field(default_factory=dict)

    def missing(self, *parts: str) -> str | None:
        for part in parts:
            if part in self.errors:
                return f"the data set's {part} could not be loaded: {self.errors[part]}"
        return None


def _register(auth: Client, name: str, email: str, password: str) -> Account:
    body = auth.json("POST", "/auth/register", {"name": name, "email": email, "password": password},
                     expect=(201,))
    return Account(user_id=int(body["user_id"]), name=name, email=email, password=password)


def _login(auth: Client, account: Account) -> None:
    body = auth.json("POST", "/auth/login", {"email": account.email, "password": account.password},
                     expect=(200,))
    account.token = body["token"]


def _accounts(stack: Stack, log) -> tuple[list, list, list]:
    wanted = [(name, f"bench-seller-{i + 1}@example.org", PASSWORD.format(f"s{i + 1}"))
              for i, name in enumerate(dataset.SELLER_NAMES)]
    wanted += [(f"Comprador {i + 1} Núñez", f"bench-buyer-{i + 1}@example.org", PASSWORD.format(f"b{i + 1}"))
               for i in range(BUYERS)]
    wanted += [(f"Compradora {i + 1} Åström", f"bench-saga-buyer-{i + 1}@example.org",
                PASSWORD.format(f"o{i + 1}")) for i in range(SAGA_BUYERS)]

    def register_and_login(name, email, password):
        auth = _thread_client(stack, "auth")
        account = _register(auth, name, email, password)
        _login(auth, account)
        return account

    # argon2id costs ~30 ms of CPU per registration and per login: a few at a time keep both cores busy.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        accounts = list(pool.map(lambda args: register_and_login(*args), wanted))
    sellers = accounts[:len(dataset.SELLER_NAMES)]
    buyers = accounts[len(sellers):len(sellers) + BUYERS]
    saga_buyers = accounts[len(sellers) + BUYERS:]
    log(f"registered {len(sellers)} sellers, {len(buyers)} buyers and {len(saga_buyers)} buyers for the saga")
    return sellers, buyers, saga_buyers


def _load_books(stack: Stack, count: int, sellers: list, log) -> None:
    # Catalog learns seller names from user.registered: wait for all, so every book shows its seller.
    ids = ",".join(str(s.user_id) for s in sellers)
    stack.wait_for(lambda: int(stack.sql(f"SELECT COUNT(*) FROM sellers WHERE user_id IN ({ids})",
                                         "catalog")[0][0]) == len(sellers),
                   60, "catalog to learn the sellers from user.registered events")
    if int(stack.sql("SELECT COUNT(*) FROM books", "catalog")[0][0]) != 0:
        raise RuntimeError("catalog's books table is not empty: the data set must go into an empty one")
    started = time.monotonic()
    books = dataset.books(count, len(sellers))
    generated = time.monotonic()
    stack.sql_stream(dataset.insert_statements(books, [s.user_id for s in sellers]), "catalog")
    # Rows written straight into books bypass catalog's word index: fill it as an upgraded database is
    # filled, by the backfill migration (idempotent).
    stack.sql(BOOK_WORDS_BACKFILL.read_text(), "catalog")
    stack.sql("ANALYZE TABLE books, book_words", "catalog")
    log(f"loaded {count} books into catalog's database in {time.monotonic() - started:.1f}s "
        f"(generating {generated - started:.1f}s)")


def _create_books(stack: Stack, seller: Account, count: int, stock: int, label: str) -> list[int]:
    """Books created through catalog's API (book.created reaches orders' read model)."""
    def create(i):
        client = _thread_client(stack)
        body = client.json("POST", "/books", {
            "title": f"{label} nº {i + 1} — edición de bolsillo", "author": "Benito Pérez Galdós",
            "description": "Ejemplar del banco de pruebas.", "price": 12.5, "stock": stock,
        }, token=seller.token, expect=(201,))
        return int(body["id"])
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return sorted(pool.map(create, range(count)))


_per_thread = threading.local()


def _thread_client(stack: Stack, component: str = "catalog") -> Client:
    if not hasattr(_per_thread, component):
        setattr(_per_thread, component, stack.client(component))
    return getattr(_per_thread, component)


def _snapshot_initial_stock(stack: Stack) -> None:
    stack.sql("""
        CREATE DATABASE IF NOT EXISTS bench CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci;
        DROP TABLE IF EXISTS bench.initial_stock;
        CREATE TABLE bench.initial_stock (PRIMARY KEY (id)) AS SELECT id, stock FROM catalog.books;
    """)


def _fallback_sellers(stack: Stack) -> list:
    """Without auth, the books still need sellers: catalog's seller read model gets them directly."""
    sellers = [Account(user_id=i + 1, name=name, email="", password="") for i, name in enumerate(dataset.SELLER_NAMES)]
    values = ",".join(f"({a.user_id}, {dataset._sql_text(a.name)}, 0, UTC_TIMESTAMP(3))" for a in sellers)
    stack.sql(f"INSERT INTO sellers (user_id, name, from_event, updated_at) VALUES {values}", "catalog")
    return sellers


def _timed(fx: Fixtures, part: str, log, step):
    """Runs one part of the loading; a failure is recorded (and logged) instead of raised."""
    started = time.monotonic()
    try:
        step()
    except Exception as e:  # noqa: BLE001 - any failure of a component under test
        fx.errors[part] = f"{type(e).__name__}: {e}"
        log(f"loading {part} failed: {fx.errors[part]}")
    fx.timings[f"{part}_s"] = round(time.monotonic() - started, 1)


def load(stack: Stack, book_count: int, log) -> Fixtures:
    fx = Fixtures()

    def accounts():
        fx.sellers, fx.buyers, fx.saga_buyers = _accounts(stack, log)

    def books():
        if "accounts" in fx.errors:
            fx.sellers = _fallback_sellers(stack)
            log("auth could not register the sellers: they were written into catalog's seller read model")
        _load_books(stack, book_count, fx.sellers, log)
        fx.books_loaded = book_count
        fx.book_id = min(SCENARIO_1_BOOK, book_count)

    def api_books():
        if "accounts" in fx.errors:
            raise RuntimeError("no seller could log in (auth)")
        fx.hot_book = _create_books(stack, fx.sellers[0], 1, HOT_BOOK_STOCK, "Libro muy vendido")[0]
        many = _create_books(stack, fx.sellers[1], MANY_BOOKS, MANY_BOOK_STOCK, "Libro de saldo")
        if many[-1] - many[0] + 1 != len(many):
            raise RuntimeError(f"the {MANY_BOOKS} books created for the purchase scenario have gaps in their ids")
        fx.many_first, fx.many_last = many[0], many[-1]
        fx.sse_book = _create_books(stack, fx.sellers[2], 1, 10, "Libro en directo")[0]
        log(f"created {MANY_BOOKS + 2} books through catalog's API")

    _timed(fx, "accounts", log, accounts)
    _timed(fx, "books", log, books)
    _timed(fx, "api_books", log, api_books)
    _timed(fx, "initial_stock", log, lambda: _snapshot_initial_stock(stack))
    return fx
