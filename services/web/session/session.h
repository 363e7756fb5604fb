#pragma once
// What web remembers about a visitor between requests. Web has no database: the whole session travels in
// one cookie, sealed (encrypted and authenticated) by SessionSealer, so any replica sharing the key can
// serve any request.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::web {

struct CartLine {
  std::int64_t book_id = 0;
  std::int64_t quantity = 0;
  bool operator==(const CartLine&) const = default;
};

enum class FlashKind { kSuccess, kError, kInfo };

// "success", "error", "info": the name in the cookie and the CSS class of the message.
std::string_view FlashKindName(FlashKind kind);

// A one-shot message shown on the next page rendered.
struct Flash {
  FlashKind kind = FlashKind::kInfo;
  std::string text;
  bool operator==(const Flash&) const = default;
};

// A session without a login lasts this long after its last change.
inline constexpr std::int64_t kAnonymousSessionSeconds = std::int64_t{7} * 24 * 3600;

struct Session {
  // The gateway's bearer token and who it belongs to; empty when nobody is logged in.
  std::string token;
  std::int64_t user_id = 0;
  std::string name;
  std::string role;
  // Unix seconds: when the token expires (logged in), else when the anonymous session lapses. The cookie
  // carries the same Max-Age, and an opened session past it is discarded.
  std::int64_t expires_at = 0;
  std::vector<CartLine> cart;
  std::string csrf;
  std::optional<Flash> flash;

  [[nodiscard]] bool LoggedIn() const { return !token.empty() && user_id > 0; }
  [[nodiscard]] bool IsAdmin() const { return LoggedIn() && role == "admin"; }

  bool operator==(const Session&) const = default;
};

// A fresh anonymous session with a new CSRF token.
Session NewSession(std::int64_t now);

// Logs in: the token and its owner, the token's expiry, and a new CSRF token (a token seen before the
// login is not valid after it). The cart is kept.
void LogIn(Session& session, std::string token, std::int64_t user_id, std::string name, std::string role,
           std::int64_t token_expires_at);

// Forgets the login and the cart; a new CSRF token and an anonymous expiry.
void LogOut(Session& session, std::int64_t now);

// The compact JSON the sealed cookie carries, and back. FromJson returns nullopt for anything that is
// not a well-formed session (wrong types, missing members, oversized values).
std::string SessionToJson(const Session& session);
std::optional<Session> SessionFromJson(std::string_view text);

// The idempotency key a form carried (the checkout's, a payment's) when it looks like one of
// auth::RandomToken's (16 to 64 characters of [A-Za-z0-9_-]), else a fresh one: a resubmitted form repeats
// its request, a tampered one cannot choose an odd key.
std::string SubmittedKeyOrFresh(std::string_view submitted);

// The session clock: seconds since the Unix epoch.
std::int64_t NowSeconds();

}  // namespace bookstore::web
