-- Backfill of book_words (0004) for the books that existed before it, with the word rule of SplitWords
-- (domain/search.cpp) written in SQL: it then runs once, inside this migration's transaction, under the
-- migration lock that makes replicas starting together wait for it (libs/db Migrate); a start-up step in
-- C++ would need a lock and bookkeeping of its own for the same effect. Every run of ASCII characters
-- other than letters and digits becomes one space (the class has no backslash, so it reads the same
-- whatever NO_BACKSLASH_ESCAPES says), and the words become a JSON array that JSON_TABLE turns into rows
-- (a word cannot hold `"` or `\`: both are separators). Collation-equal words of a book ("Café cafe") are
-- one row of the primary key, hence the no-op ON DUPLICATE KEY UPDATE.
--
-- Running it again adds nothing. bench/catalog/search_bench.py and the benchmark's data set
-- (bench/suite/fixtures.py) run this file after loading books straight into the table, and
-- tests/system/test_catalog_search.py checks that it yields the rows the service writes.
--
-- Writes by a replica of the previous version while this one rolls out (start-first) do not maintain
-- book_words. After such a rollout, rebuild it in one transaction: DELETE FROM book_words, then this INSERT.
INSERT INTO book_words (word, book_id)
SELECT w.word, b.id
FROM books b,
     JSON_TABLE(CONCAT('["', REPLACE(TRIM(REGEXP_REPLACE(CONCAT(b.title, ' ', b.author),
                                                         '[^0-9A-Za-z[:^ascii:]]+', ' ')),
                                     ' ', '","'), '"]'),
                '$[*]' COLUMNS (word VARCHAR(200) PATH '$')) w
WHERE b.deleted_at IS NULL AND CHAR_LENGTH(w.word) > 0
ON DUPLICATE KEY UPDATE book_id = b.id;
