-- The FULLTEXT index of 0002 served GET /books?q= until book_words (0004) replaced it; nothing reads it
-- any more, and every write of a title or author paid for it.
ALTER TABLE books DROP INDEX IF EXISTS books_search;
