-- The catalog's side of the order saga (docs/design.md §4).
--
-- saga_orders: one row per order the catalog has heard of, locked by the handlers of that order's
-- events, so that order.placed reserves at most once and order.cancelled releases at most once, whatever
-- the order in which they arrive (a cancellation handled before its order.placed leaves 'cancelled', and
-- the late order.placed then reserves nothing). A handler claims the row by inserting it as 'pending'
-- (an INSERT takes no gap lock, so handlers of different new orders never deadlock) and sets the final
-- state before its transaction commits: 'pending' is never committed.
CREATE TABLE IF NOT EXISTS saga_orders (
  order_id BIGINT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  state ENUM('pending', 'reserved', 'rejected', 'released', 'cancelled') NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

-- What each reserved order holds of each book, at the catalog's price when it was reserved.
CREATE TABLE IF NOT EXISTS reservations (
  order_id BIGINT UNSIGNED NOT NULL,
  book_id BIGINT UNSIGNED NOT NULL,
  quantity INT NOT NULL,
  unit_price DECIMAL(10, 2) NOT NULL,
  status ENUM('reserved', 'released') NOT NULL,
  created_at DATETIME(3) NOT NULL,
  released_at DATETIME(3) NULL,
  PRIMARY KEY (order_id, book_id),
  KEY reservations_book (book_id, status),
  CONSTRAINT reservations_quantity_positive CHECK (quantity > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
