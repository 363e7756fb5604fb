-- Catalog's own word index for GET /books?q= (domain/search.h): one row per distinct word of the title
-- and author of every live book. It replaces the FULLTEXT index books_search (dropped by 0006), which
-- made a search cost the whole list of its matches twice (COUNT(*) for X-Total-Count and the newest-first
-- page) at about 20 ms of MariaDB CPU for a word matching a few thousand of 100,000 books.
--
-- - Written by repository/books_repository.cpp in the transaction of each book write: the words of a new
--   book, replaced when its title or author changes, removed when it is (soft-)deleted, so the index never
--   holds a deleted book and a search reads no row of books for its count.
-- - Words are split by SplitWords (domain/search.cpp): runs of ASCII letters and digits and of non-ASCII
--   characters. 200 characters is the longest a title can be, so any word fits.
-- - The collation makes words equal across case and accents: "Café" and "cafe" are one key, and a prefix
--   range (word LIKE 'caf%') finds both.
-- - The primary key serves the prefix ranges of q's words, in book_id order within each word;
--   book_words_book serves the delete and update of one book and the check "does book X have a word
--   beginning with w?" when q has several words. Both cover every query on the table.
CREATE TABLE IF NOT EXISTS book_words (
  word VARCHAR(200) NOT NULL,
  book_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (word, book_id),
  KEY book_words_book (book_id, word)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
