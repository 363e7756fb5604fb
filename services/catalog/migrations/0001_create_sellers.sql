-- Read model of seller names (docs/design.md §1: no service reads another's database). Fed by user.registered
-- events; a seller whose event has not arrived yet is added from the name in their token when they
-- create a book (from_event = 0), and the event later overwrites it (from_event = 1).
CREATE TABLE IF NOT EXISTS sellers (
  user_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(200) NOT NULL,
  from_event BOOLEAN NOT NULL DEFAULT FALSE,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;
