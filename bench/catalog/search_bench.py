#!/usr/bin/python3
"""How fast is GET /books with 100,000 books? Loads 100k rows into a throw-away database made from
catalog's own migrations, then times the search queries the service runs (the page with LIMIT 20 and
the COUNT(*) behind X-Total-Count) with `q` as LIKE '%q%' and as FULLTEXT MATCH ... AGAINST in boolean
mode (what catalog does: words of 3+ characters as prefixes, shorter ones as LIKE on what that leaves),
plus the filters and sorts without `q`.

    bench/catalog/search_bench.py [--host 127.0.0.1] [--port 3410] [--user root] [--rows 100000] [--runs 20]

Prints one line per query: median and p90 milliseconds over --runs runs, and the rows it matched.
Needs only the `mariadb` client. The database (catalog_bench_<pid>) is dropped at the end.
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "services" / "catalog" / "migrations"

FIRST = ["Anna", "José", "Émile", "Léon", "Fiódor", "Jane", "Gustave", "Honoré", "Marcel", "Mary", "Charles",
         "Jules", "Virginia", "Søren", "Ramón", "Zoë", "Björn", "Lev", "Nikolái", "Ana", "Victor", "Franz",
         "Herman", "Edgar", "Oscar", "Miguel", "Benito", "Selma", "Knut", "Sigrid"]
LAST = ["Tolstoy", "Zola", "Balzac", "Flaubert", "Proust", "Austen", "Dickens", "Verne", "Woolf",
        "Kierkegaard", "Valle-Inclán", "Pérez Galdós", "Dostoyevsky", "Gógol", "Hugo", "Kafka", "Melville",
        "Poe", "Wilde", "Cervantes", "Lagerlöf", "Hamsun", "Undset", "Brontë", "Eliot", "Twain", "Hardy",
        "Conrad", "Stendhal", "Maupassant", "Chéjov", "Turguénev", "Pushkin", "Gorki", "Tagore", "Rilke",
        "Goethe", "Schiller", "Heine", "Mann"]
ADJ = ["Silent", "Crimson", "Forgotten", "Little", "Great", "Last", "Hidden", "Broken", "Golden", "Dark",
       "Quiet", "Northern", "Lost", "Secret", "Strange", "Wild", "Bitter", "Distant", "Burning", "Frozen"]
NOUN = ["River", "House", "Garden", "War", "Peace", "Café", "Night", "Island", "Letter", "Journey",
        "Kingdom", "Mirror", "Winter", "Harbour", "Station", "Orchard", "Bridge", "Storm", "Castle", "Road",
        "Season", "Shadow", "Sea", "Mountain", "Village", "Crown", "Forest", "Lamp", "Voyage", "Heart"]


def sql_list(words):
    return ", ".join("'" + w.replace("'", "''") + "'" for w in words)


class Client:
    def __init__(self, args, database=None):
        self.base = ["mariadb", "--no-defaults", f"--host={args.host}", f"--port={args.port}",
                     f"--user={args.user}", "--protocol=TCP", "--batch", "--skip-column-names",
                     "--default-character-set=utf8mb4"]
        self.password = args.password
        self.database = database

    def run(self, sql):
        args = list(self.base)
        if self.database:
            args.append(f"--database={self.database}")
        env = dict(os.environ)
        if self.password:
            env["MYSQL_PWD"] = self.password
        result = subprocess.run(args, input=sql, text=True, capture_output=True, env=env)
        if result.returncode != 0:
            sys.exit(f"mariadb failed: {result.stderr.strip()}")
        return result.stdout


def load(db, rows):
    for path in sorted(MIGRATIONS.glob("*.sql")):
        db.run(path.read_text())
    db.run(f"""
        INSERT INTO sellers (user_id, name, from_event, updated_at)
          SELECT seq, CONCAT('Seller ', seq), 1, UTC_TIMESTAMP(3) FROM seq_1_to_200;
        INSERT INTO books (title, author, description, price, stock, stock_supplied, seller_id, created_at,
                           updated_at)
          SELECT CONCAT('The ', ELT(1 + seq % {len(ADJ)}, {sql_list(ADJ)}), ' ',
                        ELT(1 + (seq DIV {len(ADJ)}) % {len(NOUN)}, {sql_list(NOUN)}), ' ', seq),
                 CONCAT(ELT(1 + seq % {len(FIRST)}, {sql_list(FIRST)}), ' ',
                        ELT(1 + (seq DIV 7) % {len(LAST)}, {sql_list(LAST)})),
                 REPEAT('A used copy in good condition. ', 1 + seq % 8),
                 1 + (seq * 7919) % 9999 / 100, seq % 5, seq % 5, 1 + seq % 200,
                 UTC_TIMESTAMP(3) - INTERVAL (1000000 - seq) SECOND,
                 UTC_TIMESTAMP(3) - INTERVAL (1000000 - seq) SECOND
          FROM seq_1_to_{rows};
        ANALYZE TABLE books;
    """)


def timed(db, sql, runs):
    """Milliseconds per run (server time plus one round trip), measured by the server's clock."""
    script = ["SET @t = NOW(6);"]
    for i in range(runs):
        script.append(sql)
        script.append(f"SELECT 'T{i}', TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)); SET @t = NOW(6);")
    out = db.run("\n".join(script))
    times, matched = [], None
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0].startswith("T") and len(parts) == 2 and parts[0][1:].isdigit():
            times.append(int(parts[1]) / 1000.0)
        elif matched is None and len(parts) == 1 and parts[0].isdigit():
            matched = int(parts[0])
    return times, matched


PAGE = ("SELECT b.id, b.title, b.author, b.price, b.stock, s.name FROM books b "
        "LEFT JOIN sellers s ON s.user_id = b.seller_id WHERE b.deleted_at IS NULL{where} "
        "ORDER BY {order} LIMIT 20 OFFSET 0;")
COUNT = "SELECT COUNT(*) FROM books b WHERE b.deleted_at IS NULL{where};"


def like(term):
    pattern = "%" + term + "%"
    return f" AND (b.title LIKE '{pattern}' OR b.author LIKE '{pattern}')"


def fulltext(term):
    return f" AND MATCH(b.title, b.author) AGAINST('+{term}*' IN BOOLEAN MODE)"


def cases():
    terms = [("rare word", "zola"), ("common word", "war"), ("accent-insensitive", "cafe"),
             ("no match", "xylophone")]
    out = []
    for label, term in terms:
        out.append((f"q={term} ({label}) LIKE", like(term), "b.id DESC"))
        out.append((f"q={term} ({label}) FULLTEXT", fulltext(term), "b.id DESC"))
    out += [
        ("q=war of (short word: FULLTEXT, then LIKE)", fulltext("war") + like("of"), "b.id DESC"),
        ("q=of (only short words: LIKE alone)", like("of"), "b.id DESC"),
        ("no q, sort=newest", "", "b.id DESC"),
        ("no q, sort=price_asc", "", "b.price ASC, b.id ASC"),
        ("no q, sort=title", "", "b.title ASC, b.id ASC"),
        ("author=jose tolstoy (exact, ai_ci)", " AND b.author = 'jose tolstoy'", "b.id DESC"),
        ("seller_id=7, sort=price_desc", " AND b.seller_id = 7", "b.price DESC, b.id DESC"),
        ("in_stock, sort=newest", " AND b.stock > 0", "b.id DESC"),
        ("q=war + in_stock + sort=price_asc LIKE", like("war") + " AND b.stock > 0", "b.price ASC, b.id ASC"),
        ("q=war + in_stock + sort=price_asc FULLTEXT", fulltext("war") + " AND b.stock > 0",
         "b.price ASC, b.id ASC"),
    ]
    return out


def report(db, label, where, order, runs):
    page, _ = timed(db, PAGE.format(where=where, order=order), runs)
    count, matched = timed(db, COUNT.format(where=where), runs)
    total = [p + c for p, c in zip(page, count)]
    p90 = sorted(total)[max(0, int(len(total) * 0.9) - 1)]
    print(f"  {label:<48} page {statistics.median(page):7.2f} ms  count {statistics.median(count):7.2f} ms"
          f"  total median {statistics.median(total):7.2f} p90 {p90:7.2f} ms  matched {matched}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3410)
    parser.add_argument("--user", default="root")
    parser.add_argument("--password", default=os.environ.get("BENCH_DB_PASSWORD", ""))
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    name = f"catalog_bench_{os.getpid()}"
    root = Client(args)
    root.run(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci;")
    try:
        db = Client(args, name)
        started = time.monotonic()
        load(db, args.rows)
        print(f"loaded {args.rows} books in {time.monotonic() - started:.1f} s")
        print("with the indexes of services/catalog/migrations (FULLTEXT books_search included):")
        for label, where, order in cases():
            report(db, label, where, order, args.runs)
    finally:
        root.run(f"DROP DATABASE IF EXISTS `{name}`;")


if __name__ == "__main__":
    main()
