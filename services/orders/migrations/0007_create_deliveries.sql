-- The delivery assigned to a paid order (at most one: the order becomes shipped in the same
-- transaction). The cost is the provider's at assignment time.
CREATE TABLE IF NOT EXISTS deliveries (
  order_id BIGINT UNSIGNED NOT NULL,
  provider_id BIGINT UNSIGNED NOT NULL,
  cost DECIMAL(10, 2) NOT NULL,
  tracking_number VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (order_id),
  UNIQUE KEY deliveries_tracking (tracking_number),
  KEY deliveries_provider (provider_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
