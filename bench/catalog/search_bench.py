#!/usr/bin/python3
"""How fast is GET /books?q= with 100,000 books? Loads them into a throw-away database made from catalog's
own migrations and times, side by side for the same q, the SQL catalog runs for a search — the page
(LIMIT 20) and the COUNT(*) behind X-Total-Count — two ways:

  old  the FULLTEXT index books_search (migration 0002, dropped by 0006, re-created here for the
       comparison): words of 3-84 characters as MATCH ... AGAINST('+w1* +w2*' IN BOOLEAN MODE), other
       words as LIKE '%w%' on title and author;
  new  catalog's word index book_words (migrations 0004/0005): every word a prefix range
       (repository/books_repository.cpp: ResolveWords, MatchingBookIds, SearchWordsNewestFirst,
       SearchBooksTable), its SQL copied here.

    bench/catalog/search_bench.py [--host 127.0.0.1] [--port 3410] [--user root] [--rows 100000]
                                  [--runs 20] [--data suite|synthetic] [--explain]

--data suite (default) loads the benchmark suite's data set (bench/suite/dataset.py, the books scenario 3
searches, and its SEARCH_WORDS are among the cases); synthetic is the older English-only generator.
book_words is filled the way an upgraded database is: the books are inserted, then migration 0005 (the
backfill, the same word rule as the service's SplitWords, checked against it by
tests/system/test_catalog_search.py) runs. q is split here by a Python copy of SplitWords (split_words).

Prints per query: median milliseconds over --runs runs (server time plus one round trip) of the page and
the count, old (with the FULLTEXT index) and new (without it, as after migration 0006; plus "words", the
statement that looks up each word's keys, and how each word was searched: k = its range's single key,
p = as a prefix range; - = a word begins nothing, nothing more runs), the totals, old/new,
and the books matched (and what the old query matched where it differs: words shorter than 3 characters
were substrings). --explain also prints MariaDB's ANALYZE of the new page and count of a few queries
(after the FULLTEXT index is dropped). --only TEXT runs only the cases whose name contains TEXT. Needs only the `mariadb` client. The database
(catalog_bench_<pid>) is dropped at the end.
"""

import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "services" / "catalog" / "migrations"
BACKFILL = MIGRATIONS / "0005_fill_book_words.sql"
sys.path.insert(0, str(ROOT))
from bench.suite import dataset  # noqa: E402

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
SELLERS = 16


def sql_list(words):
    return ", ".join("'" + w.replace("'", "''") + "'" for w in words)


class Client:
    def __init__(self, args, database=None):
        self.base = ["mariadb", "--no-defaults", f"--host={args.host}", f"--port={args.port}",
                     f"--user={args.user}", "--protocol=TCP", "--batch", "--skip-column-names",
                     "--default-character-set=utf8mb4"]
        self.password = args.password
        self.database = database

    def _args(self, extra=()):
        args = list(self.base) + list(extra)
        if self.database:
            args.append(f"--database={self.database}")
        return args

    def _env(self):
        env = dict(os.environ)
        if self.password:
            env["MYSQL_PWD"] = self.password
        return env

    def run(self, sql, extra=()):
        result = subprocess.run(self._args(extra), input=sql, text=True, capture_output=True, env=self._env())
        if result.returncode != 0:
            sys.exit(f"mariadb failed: {result.stderr.strip()}")
        return result.stdout

    def stream(self, statements):
        proc = subprocess.Popen(self._args(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, env=self._env())
        for statement in statements:
            proc.stdin.write(statement)
        proc.stdin.close()
        if proc.wait() != 0:
            sys.exit(f"mariadb failed while loading: {proc.stderr.read().strip()}")


def load_synthetic(db, rows):
    db.run(f"""
        INSERT INTO books (title, author, description, price, stock, stock_supplied, seller_id, created_at,
                           updated_at)
          SELECT CONCAT('The ', ELT(1 + seq % {len(ADJ)}, {sql_list(ADJ)}), ' ',
                        ELT(1 + (seq DIV {len(ADJ)}) % {len(NOUN)}, {sql_list(NOUN)}), ' ', seq),
                 CONCAT(ELT(1 + seq % {len(FIRST)}, {sql_list(FIRST)}), ' ',
                        ELT(1 + (seq DIV 7) % {len(LAST)}, {sql_list(LAST)})),
                 REPEAT('A used copy in good condition. ', 1 + seq % 8),
                 1 + (seq * 7919) % 9999 / 100, seq % 5, seq % 5, 1 + seq % {SELLERS},
                 UTC_TIMESTAMP(3) - INTERVAL (1000000 - seq) SECOND,
                 UTC_TIMESTAMP(3) - INTERVAL (1000000 - seq) SECOND
          FROM seq_1_to_{rows};
    """)


def load(db, rows, data):
    for path in sorted(MIGRATIONS.glob("*.sql")):
        db.run(path.read_text())
    db.run(f"""INSERT INTO sellers (user_id, name, from_event, updated_at)
                 SELECT seq, CONCAT('Seller ', seq), 1, UTC_TIMESTAMP(3) FROM seq_1_to_{SELLERS};""")
    if data == "suite":
        db.stream(dataset.insert_statements(dataset.books(rows, SELLERS), list(range(1, SELLERS + 1))))
    else:
        load_synthetic(db, rows)
    db.run(BACKFILL.read_text())  # what an upgrade does for the books already there
    # The old index, as migration 0002 created it (without stopwords), for the old queries.
    db.run("SET SESSION innodb_ft_enable_stopword = OFF;\n"
           "ALTER TABLE books ADD FULLTEXT KEY books_search (title, author);\n"
           "ANALYZE TABLE books, book_words;")


def timed(db, sql, runs):
    """Milliseconds per run (server time plus one round trip), measured by the server's clock, and the
    first value of the first row (the count, or the newest id of a page)."""
    script = ["SET @t = NOW(6);"]
    for i in range(runs):
        script.append(sql)
        script.append(f"SELECT 'T{i}', TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)); SET @t = NOW(6);")
    out = db.run("\n".join(script))
    times, first = [], None
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0].startswith("T") and len(parts) == 2 and parts[0][1:].isdigit():
            times.append(int(parts[1]) / 1000.0)
        elif first is None:
            first = parts[0]
    return times, first


# --- q as catalog splits it (a copy of SplitWords in services/catalog/domain/search.cpp) -----------------

WORD = re.compile(r"[0-9A-Za-z\u0080-\U0010ffff]+")


def split_words(q):
    return WORD.findall(q)


def literal(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def like_escape(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- the old SQL (catalog before book_words) ----------------------------------------------------------

PAGE = ("SELECT b.id, b.title, b.author, b.description, b.price, b.stock, b.seller_id, s.name FROM books b "
        "LEFT JOIN sellers s ON s.user_id = b.seller_id WHERE b.deleted_at IS NULL{where} "
        "ORDER BY {order} LIMIT 20 OFFSET 0;")
COUNT = "SELECT COUNT(*) FROM books b WHERE b.deleted_at IS NULL{where};"


def old_text_condition(q):
    words = split_words(q)
    long_words = [w for w in words if 3 <= len(w) <= 84]
    where = ""
    if long_words:
        expression = " ".join(f"+{w}*" for w in long_words)
        where += f" AND MATCH(b.title, b.author) AGAINST({literal(expression)} IN BOOLEAN MODE)"
    for w in words:
        if not 3 <= len(w) <= 84:
            pattern = literal("%" + like_escape(w) + "%")
            where += f" AND (b.title LIKE {pattern} OR b.author LIKE {pattern})"
    return where


def old_queries(q, filters, order):
    where = old_text_condition(q) + filters
    return PAGE.format(where=where, order=order), COUNT.format(where=where)


# --- the new SQL (repository/books_repository.cpp) -----------------------------------------------------

def resolve_sql(words):
    """ResolveWords: the first and the last key of each word's prefix range."""
    parts = []
    for w in words:
        pattern = literal(like_escape(w) + "%")
        parts.append(f"(SELECT word FROM book_words WHERE word LIKE {pattern} ORDER BY word LIMIT 1), "
                     f"(SELECT word FROM book_words WHERE word LIKE {pattern} ORDER BY word DESC LIMIT 1)")
    return "SELECT " + ", ".join(parts) + ";"


def conditions(words, row):
    """[(exact, value)], exact ones first, or None when a word begins no indexed word."""
    out = []
    for i, w in enumerate(words):
        first, last = row[2 * i], row[2 * i + 1]
        if first == "NULL" or last == "NULL":
            return None
        out.append((True, first) if first == last else (False, like_escape(w) + "%"))
    return [c for c in out if c[0]] + [c for c in out if not c[0]]


def word_test(table, condition):
    exact, value = condition
    return f"{table}.word {'=' if exact else 'LIKE'} {literal(value)}"


def matching_book_ids(words):
    sql = "SELECT m.book_id" if words[0][0] else "SELECT DISTINCT m.book_id"
    sql += f" FROM book_words m IGNORE INDEX FOR ORDER BY (book_words_book) WHERE {word_test('m', words[0])}"
    for w in words[1:]:
        sql += f" AND m.book_id IN (SELECT w.book_id FROM book_words w WHERE {word_test('w', w)})"
    return sql


def new_queries(words, filters, order):
    matches = matching_book_ids(words)
    if not filters and order == "b.id DESC":  # SearchWordsNewestFirst
        page = ("SELECT b.id, b.title, b.author, b.description, b.price, b.stock, b.seller_id, s.name FROM ("
                f"{matches} ORDER BY m.book_id DESC LIMIT 20 OFFSET 0) page JOIN books b ON b.id = page.book_id "
                "LEFT JOIN sellers s ON s.user_id = b.seller_id WHERE b.deleted_at IS NULL ORDER BY b.id DESC;")
        return page, f"SELECT COUNT(*) FROM ({matches}) t;"
    # SearchBooksTable: the count from the matches, the page's ids chosen before joining sellers
    count = f"SELECT COUNT(*) FROM ({matches}) t STRAIGHT_JOIN books b ON b.id = t.book_id " \
            f"WHERE b.deleted_at IS NULL{filters};"
    page = ("SELECT b.id, b.title, b.author, b.description, b.price, b.stock, b.seller_id, s.name FROM ("
            f"SELECT b.id FROM books b WHERE b.deleted_at IS NULL AND b.id IN ({matches}){filters} "
            f"ORDER BY {order} LIMIT 20 OFFSET 0) page "
            f"JOIN books b ON b.id = page.id LEFT JOIN sellers s ON s.user_id = b.seller_id ORDER BY {order};")
    return page, count


def measure_new(db, q, filters, order, runs):
    """(words ms, page ms, count ms, matched, conditions): the lookup of the words' keys, then as the
    service does."""
    words = split_words(q)
    sql = resolve_sql(words)
    times, _ = timed(db, sql, runs)
    row = db.run(sql).splitlines()[0].split("\t")
    resolved = conditions(words, row)
    if resolved is None:  # a word begins nothing: the service stops here
        return statistics.median(times), 0.0, 0.0, 0, resolved
    page, count, matched = measure(db, *new_queries(resolved, filters, order), runs)
    return statistics.median(times), page, count, matched, resolved


# --- the cases ------------------------------------------------------------------------------------------

def cases(data):
    """(q, label, filters, order)"""
    if data == "suite":
        words = ["the", "de", "a"] + dataset.SEARCH_WORDS + ["xylophone"]
        combined = [("la noche", "two words"), ("winter dublin", "two words"), ("zola café", "two words"),
                    ("ete la", "two words"), ("dickens the lighthouse", "three words"),
                    ("the", "+ in_stock, sort=price_asc"), ("winter", "+ seller_id=7")]
    else:
        words = ["zola", "war", "cafe", "of", "xylophone"]
        combined = [("war of", "two words"), ("war", "+ in_stock, sort=price_asc"), ("war", "+ seller_id=7")]
    out = [(w, "", "", "b.id DESC") for w in words]
    for q, label in combined:
        filters, order = "", "b.id DESC"
        if "in_stock" in label:
            filters, order = " AND b.stock > 0", "b.price ASC, b.id ASC"
        elif "seller_id" in label:
            filters = " AND b.seller_id = 7"
        out.append((q, label, filters, order))
    return out


def measure(db, page_sql, count_sql, runs):
    page, _ = timed(db, page_sql, runs)
    count, matched = timed(db, count_sql, runs)
    return statistics.median(page), statistics.median(count), matched


def report(name, old, new):
    old_page, old_count, old_matched = old
    new_words, new_page, new_count, new_matched, resolved = new
    old_total, new_total = old_page + old_count, new_words + new_page + new_count
    ratio = old_total / new_total if new_total > 0 else float("inf")
    same = "" if str(old_matched) == str(new_matched) else f" (old matched {old_matched})"
    kind = "-" if resolved is None else "".join("k" if exact else "p" for exact, _ in resolved)
    print(f"  {name:<36} {old_page:8.2f} {old_count:8.2f} {old_total:8.2f} | {kind:>4} {new_words:5.2f} "
          f"{new_page:7.2f} {new_count:7.2f} {new_total:7.2f} | {ratio:6.1f}x | {new_matched}{same}")


def explain(db, q, filters="", order="b.id DESC"):
    words = split_words(q)
    resolved = conditions(words, db.run(resolve_sql(words)).splitlines()[0].split("\t"))
    page, count = new_queries(resolved, filters, order)
    for label, sql in (("page", page), ("count", count)):
        print(f"\nANALYZE of the new {label} for q={q}{filters} ORDER BY {order}:")
        print(db.run("ANALYZE " + sql, extra=["--column-names", "--table"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3410)
    parser.add_argument("--user", default="root")
    parser.add_argument("--password", default=os.environ.get("BENCH_DB_PASSWORD", ""))
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--data", choices=("suite", "synthetic"), default="suite")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", help="only the cases whose name contains this text")
    args = parser.parse_args()

    name = f"catalog_bench_{os.getpid()}"
    root = Client(args)
    root.run(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci;")
    try:
        db = Client(args, name)
        started = time.monotonic()
        load(db, args.rows, args.data)
        words = db.run("SELECT COUNT(*) FROM book_words;").strip()
        print(f"loaded {args.rows} books ({args.data}), {words} rows of book_words, in "
              f"{time.monotonic() - started:.1f} s; median ms of {args.runs} runs, page = LIMIT 20 newest first "
              "unless said otherwise")
        print(f"  {'query':<36} {'old page':>8} {'count':>8} {'total':>8} | {'new':>4} {'words':>5} {'page':>7} "
              f"{'count':>7} {'total':>7} | old/new | matched")
        chosen = [c for c in cases(args.data) if args.only is None or args.only in f"q={c[0]} {c[1]}"]
        # The old queries with the FULLTEXT index, then the new ones without it, as in production (its mere
        # presence changed some plans of the new queries).
        old = [measure(db, *old_queries(q, filters, order), args.runs) for q, _, filters, order in chosen]
        db.run("ALTER TABLE books DROP INDEX books_search; ANALYZE TABLE books;")
        new = [measure_new(db, q, filters, order, args.runs) for q, _, filters, order in chosen]
        for (q, label, _, _), old_result, new_result in zip(chosen, old, new):
            report(f"q={q} {label}".strip(), old_result, new_result)
        if args.explain:
            explain(db, "ete" if args.data == "suite" else "war")
            explain(db, "zola")
            explain(db, "la noche")
            explain(db, "the", " AND b.stock > 0", "b.price ASC, b.id ASC")
    finally:
        root.run(f"DROP DATABASE IF EXISTS `{name}`;")


if __name__ == "__main__":
    main()
