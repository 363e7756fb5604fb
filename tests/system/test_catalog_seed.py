"""`./bookstore seed` (scripts/seed.sh) against a store of its own: auth, catalog and the gateway, the
seed talking to the gateway's public API only. Loads the demo catalog once; running it again adds
nothing."""

import pathlib
import subprocess

from support.api import exact_json

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "services" / "catalog" / "seed" / "demo_books.tsv"


def demo_titles():
    return [line.split("\t")[0] for line in DATA.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def run_seed(gateway, email):
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
           "BOOKSTORE_DEMO_SELLER_EMAIL": email, "BOOKSTORE_DEMO_SELLER_PASSWORD": "demo seller password 1"}
    result = subprocess.run([str(ROOT / "bookstore"), "seed", "--gateway", gateway.url], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_seed_loads_the_demo_catalog_once(store):
    gateway = store.start_gateway()  # in front of the store's auth and catalog; no orders
    titles = demo_titles()
    assert len(titles) >= 50 and len(set(titles)) == len(titles)

    first = run_seed(gateway, "seed@catalog.test")
    assert f"added {len(titles)} books, skipped 0" in first
    second = run_seed(gateway, "seed@catalog.test")
    assert f"added 0 books, skipped {len(titles)}" in second

    seller_id = int(first.rsplit("seller id ", 1)[1].split(")")[0])
    seen = []
    for offset in (0, 100):
        response = store.request("GET", "/books", params={"seller_id": seller_id, "limit": 100, "offset": offset})
        assert response.status_code == 200
        assert int(response.headers["X-Total-Count"]) == len(titles)
        seen += exact_json(response)
    assert sorted(book["title"] for book in seen) == sorted(titles)
    assert all(book["seller_name"] == "BookStore Demo Seller" and book["price"] > 0 for book in seen)
