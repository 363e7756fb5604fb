-- Tokens revoked by logout, kept until they would have expired anyway (expires_at: Unix seconds, the
-- token's exp). Auth checks it on its own authenticated routes; the gateway gets the same facts from
-- auth.token_revoked events and GET /internal/revocations.
CREATE TABLE IF NOT EXISTS revoked_tokens (
  jti VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  user_id BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at DATETIME NOT NULL,
  PRIMARY KEY (jti),
  KEY revoked_tokens_expires_at (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_uca1400_ai_ci;
