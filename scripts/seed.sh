#!/usr/bin/env bash
# ./bookstore seed: loads the demo catalog (services/catalog/seed/demo_books.tsv: public-domain works with
# their authors, prices and stock) into the running store through its gateway's public API, as a demo
# seller: register (or log in), then POST /books for every title the seller does not have yet. Running it
# again adds nothing.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/stack.sh
source "$BS_SCRIPTS/lib/stack.sh"
# shellcheck source=lib/up_env.sh
source "$BS_SCRIPTS/lib/up_env.sh"

DATA="$BS_ROOT/services/catalog/seed/demo_books.tsv"

usage() {
  cat <<EOF
usage: ./bookstore seed [--gateway URL]

Loads $(grep -vc '^#' "$DATA") demo books into the store started by ./bookstore up (or the gateway at URL),
owned by a demo seller. Books the seller already has (same title) are skipped.

  --gateway URL   the store's public API (default: the gateway of ./bookstore up, from .run/up.env)

Environment: BOOKSTORE_DEMO_SELLER_EMAIL [demo-seller@bookstore.example]
  BOOKSTORE_DEMO_SELLER_PASSWORD [generated once, kept in .run/secrets/demo_seller_password]
EOF
}

gateway=""
while (($#)); do
  case "$1" in
    --gateway) gateway=${2:?--gateway needs a URL}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift
done

if [[ -z "$gateway" ]]; then
  [[ -f "$UP_SETTINGS_FILE" ]] || die "no running store found (start one with ./bookstore up, or pass --gateway URL)"
  up_load_settings
  gateway=$(stack_url gateway)
fi
http_ok "$gateway/readyz" || die "the gateway at $gateway is not ready (./bookstore status)"

email=${BOOKSTORE_DEMO_SELLER_EMAIL:-demo-seller@bookstore.example}
password=${BOOKSTORE_DEMO_SELLER_PASSWORD:-$(ensure_secret "$UP_RUN_DIR/secrets/demo_seller_password")}

say "seeding the demo catalog through $gateway as $email"
GATEWAY=$gateway EMAIL=$email PASSWORD=$password DATA=$DATA "$BS_PYTHON" - <<'PY'
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

GATEWAY, EMAIL, PASSWORD, DATA = (os.environ[name] for name in ("GATEWAY", "EMAIL", "PASSWORD", "DATA"))
SELLER_NAME = "BookStore Demo Seller"


def call(method, path, body=None, token=None):
    """(status, parsed JSON body or None, headers). Waits and retries when rate limited."""
    data = body.encode() if isinstance(body, str) else (json.dumps(body).encode() if body is not None else None)
    for _ in range(30):
        request = urllib.request.Request(GATEWAY + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None, response.headers
        except urllib.error.HTTPError as error:
            raw = error.read()
            if error.code == 429:
                time.sleep(float(error.headers.get("Retry-After") or 1))
                continue
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = {"error": raw.decode("utf-8", "replace")}
            return error.code, parsed, error.headers
    sys.exit(f"seed: {method} {path} kept being rate limited")


def fail(what, status, body):
    detail = (body or {}).get("error") or (body or {}).get("detail") or body
    sys.exit(f"seed: {what} failed with {status}: {detail}")


def read_books():
    books = []
    with open(DATA, encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            title, author, price, stock, description = line.split("\t")
            books.append({"title": title, "author": author, "price": price, "stock": int(stock),
                          "description": description})
    return books


def book_body(book):
    # The price goes out as written in the file ("8.50"), never through a float.
    fields = {key: value for key, value in book.items() if key != "price"}
    text = json.dumps(fields, ensure_ascii=False)
    return text[:-1] + ', "price": ' + book["price"] + "}"


status, body, _ = call("POST", "/auth/register", {"name": SELLER_NAME, "email": EMAIL, "password": PASSWORD})
if status not in (201, 409):
    fail("registering the demo seller", status, body)
status, body, _ = call("POST", "/auth/login", {"email": EMAIL, "password": PASSWORD})
if status == 401:
    sys.exit(f"seed: {EMAIL} exists with another password; set BOOKSTORE_DEMO_SELLER_PASSWORD or "
             "BOOKSTORE_DEMO_SELLER_EMAIL")
if status != 200:
    fail("logging in", status, body)
token, seller_id = body["token"], body["user_id"]

have = set()
offset = 0
while True:
    query = urllib.parse.urlencode({"seller_id": seller_id, "limit": 100, "offset": offset})
    status, page, _ = call("GET", "/books?" + query)
    if status != 200:
        fail("listing the seller's books", status, page)
    have.update(book["title"] for book in page)
    offset += len(page)
    if len(page) < 100:
        break

added = skipped = 0
for book in read_books():
    if book["title"] in have:
        skipped += 1
        continue
    status, body, _ = call("POST", "/books", book_body(book), token)
    if status != 201:
        fail(f"adding '{book['title']}'", status, body)
    have.add(book["title"])
    added += 1
print(f"added {added} books, skipped {skipped} the demo seller already had (seller id {seller_id})")
PY
