-- Orders (docs/design.md §2, §4). Times are UTC. `status` only changes through conditional UPDATEs
-- (... WHERE status = <what the state machine saw>, domain/order_state.h), so racing triggers cannot
-- both win. `reason`: why an order was cancelled (user, admin, payment_timeout, book_deleted) or
-- rejected (insufficient_stock, book_not_found). `total_price` comes from catalog's
-- order.stock_reserved, never from the client.
--
-- Idempotency-Key: UNIQUE (user_id, idempotency_key) inside the transaction that inserts the order, so a
-- client retrying after a timeout gets the order of its first attempt (NULL keys do not collide).
-- `request_fingerprint` holds what the key was used for ("12x1,40x3"): the same key with other items is
-- refused. `payment_due_at` is set when the order becomes awaiting_payment; the sweeper cancels orders
-- still awaiting payment after it.
CREATE TABLE IF NOT EXISTS orders (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id BIGINT UNSIGNED NOT NULL,
  status ENUM('pending', 'awaiting_payment', 'paid', 'shipped', 'cancelled', 'rejected') NOT NULL,
  reason VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  total_price DECIMAL(16, 2) NULL,
  idempotency_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
  request_fingerprint VARCHAR(2000) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  payment_due_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY orders_idempotency (user_id, idempotency_key),
  KEY orders_user (user_id, status, id),
  KEY orders_status (status, id),
  KEY orders_payment_due (status, payment_due_at),
  CONSTRAINT orders_total_not_negative CHECK (total_price IS NULL OR total_price >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
