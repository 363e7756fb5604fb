-- One row per user who ever placed an order: POST /orders locks it first (repository/
-- orders_repository.h, LockPlacer), so one user's placements run one at a time and the limits of
-- domain/order_limits.h count exactly, while other users' placements never wait for it.
CREATE TABLE IF NOT EXISTS order_placers (
  user_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;
