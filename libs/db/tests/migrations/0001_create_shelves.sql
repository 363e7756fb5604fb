-- Test migrations for bookstore_embed_migrations (see migrations_integration_test.cpp); a comment; with semicolons.
CREATE TABLE shelves (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  label VARCHAR(100) NOT NULL -- e.g. 'Café; corner'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci;

INSERT INTO shelves (label) VALUES ('Café ☕ "quoted" \\ backslash');
