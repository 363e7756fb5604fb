-- Delivery providers and their flat cost (seeded by 0006).
CREATE TABLE IF NOT EXISTS delivery_providers (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(100) NOT NULL,
  coverage_area VARCHAR(100) NOT NULL,
  cost DECIMAL(10, 2) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY delivery_providers_name (name),
  CONSTRAINT delivery_providers_cost_not_negative CHECK (cost >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
