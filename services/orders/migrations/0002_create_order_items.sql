-- The books of each order, one row per book (the same book twice in a request is merged), `position`
-- keeping the client's order. Title and seller come from the book read model when the order is placed
-- and from order.stock_reserved afterwards, together with the unit price (catalog's, at reservation).
-- `available`: for a rejected order, what catalog had of each book it was short of (NULL otherwise).
CREATE TABLE IF NOT EXISTS order_items (
  order_id BIGINT UNSIGNED NOT NULL,
  book_id BIGINT UNSIGNED NOT NULL,
  position SMALLINT UNSIGNED NOT NULL,
  quantity INT NOT NULL,
  title VARCHAR(200) NULL,
  seller_id BIGINT UNSIGNED NULL,
  unit_price DECIMAL(10, 2) NULL,
  available BIGINT NULL,
  PRIMARY KEY (order_id, book_id),
  KEY order_items_book (book_id, order_id),
  CONSTRAINT order_items_quantity_range CHECK (quantity BETWEEN 1 AND 1000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
