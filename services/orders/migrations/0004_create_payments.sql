-- Payment attempts (simulated provider, domain/payment.h). The amount is the order's total.
-- At most one completed payment per order, enforced by the database: `completed_order_id` is the order
-- id only for a completed payment (NULLs do not collide in a UNIQUE index).
-- Idempotency-Key: UNIQUE (order_id, idempotency_key): the same key on the same order returns the same
-- payment and never charges twice.
CREATE TABLE IF NOT EXISTS payments (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_id BIGINT UNSIGNED NOT NULL,
  amount DECIMAL(16, 2) NOT NULL,
  method ENUM('credit_card', 'paypal', 'bank_transfer') NOT NULL,
  status ENUM('completed', 'declined') NOT NULL,
  decline_reason VARCHAR(200) NULL,
  reference VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  idempotency_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
  created_at DATETIME(3) NOT NULL,
  completed_order_id BIGINT UNSIGNED AS (IF(status = 'completed', order_id, NULL)) PERSISTENT,
  PRIMARY KEY (id),
  UNIQUE KEY payments_one_completed (completed_order_id),
  UNIQUE KEY payments_idempotency (order_id, idempotency_key),
  KEY payments_order (order_id, id),
  CONSTRAINT payments_amount_not_negative CHECK (amount >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
