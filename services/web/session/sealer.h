#pragma once
// Seals a Session into a cookie value and opens it again: libsodium crypto_secretbox (XSalsa20-Poly1305)
// with a random nonce per seal, so the browser can neither read nor change its session. A cookie that
// was tampered with, sealed with an unknown key, or has expired opens as nothing (a new session).
//
// Keys: WEB_SESSION_KEY holds one or more comma-separated keys (64 hex digits or base64/base64url of 32
// bytes); the first seals, all open, so a key can be rotated without logging everyone out.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/session.h"

namespace bookstore::web {

using SessionKey = std::array<unsigned char, 32>;

// Throws std::invalid_argument (without echoing the key) when `text` is not a 32-byte key.
SessionKey ParseSessionKey(std::string_view text);
SessionKey RandomSessionKey();

class SessionSealer {
 public:
  // Throws std::invalid_argument when `keys` is empty.
  explicit SessionSealer(std::vector<SessionKey> keys);
  ~SessionSealer();
  SessionSealer(const SessionSealer&) = delete;
  SessionSealer& operator=(const SessionSealer&) = delete;

  // base64url(nonce || ciphertext), cookie-safe.
  [[nodiscard]] std::string Seal(const Session& session) const;
  // nullopt when the value is malformed, forged, tampered with, or expired at `now` (Unix seconds).
  [[nodiscard]] std::optional<Session> Open(std::string_view cookie_value, std::int64_t now) const;

 private:
  std::vector<SessionKey> keys_;
};

}  // namespace bookstore::web
