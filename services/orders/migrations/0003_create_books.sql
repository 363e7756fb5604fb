-- Read model of catalog's books, fed by book.* events (no service reads another's database). An event
-- whose `version` is not newer than the row's is ignored, whatever order events arrive in. It serves
-- titles for pending orders and answers 404 at once for a book known to be deleted; a book it has not
-- seen yet is never refused on its word (catalog is the authority, and this model can lag).
CREATE TABLE IF NOT EXISTS books (
  id BIGINT UNSIGNED NOT NULL,
  title VARCHAR(200) NOT NULL,
  price DECIMAL(10, 2) NOT NULL,
  stock BIGINT NOT NULL,
  seller_id BIGINT UNSIGNED NOT NULL,
  seller_name VARCHAR(200) NOT NULL,
  deleted BOOLEAN NOT NULL DEFAULT FALSE,
  version BIGINT UNSIGNED NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
