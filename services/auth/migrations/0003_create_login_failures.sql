-- Failed logins per account key (bookstore/auth/email.h), kept by auth itself so that no path around the
-- gateway (another network, a replica's own port) gets unlimited password guesses. A leaky bucket:
-- `level` failures leak away at LOGIN_FAILURES_PER_ACCOUNT per LOGIN_FAILURES_WINDOW, measured from
-- updated_ms (Unix milliseconds). Unknown emails get rows too, so a 429 says nothing about which
-- accounts exist. Rows fully leaked are deleted a few at a time after failed logins.
CREATE TABLE IF NOT EXISTS login_failures (
  email_key VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  level DOUBLE NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (email_key),
  KEY login_failures_updated_ms (updated_ms)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_uca1400_ai_ci;
