#pragma once
// Authenticating callers by their BookStore access token: what the gateway, catalog and orders (and auth
// itself) use to turn `Authorization: Bearer <jwt>` into an Identity, or a 401/403 problem.
//
//   // main.cpp
//   config::Env env("catalog", argc, argv);
//   auto authn_settings = authn::ReadSettings(env);      // AUTH_URL, JWT_ISSUER, JWT_AUDIENCE
//   ...
//   env.Finish();
//   http::Client client;
//   authn::KeySource keys(authn::KeySource::Options{.auth_url = authn_settings.auth_url}, client);
//   authn::Authenticator authenticator(authn::Authenticator::Options::From(authn_settings), keys);
//   http::Server server(options);
//   server.AddReadinessCheck("auth_keys", [&] { return keys.Ready(); });
//   keys.Start(server.io_context());  // queued: fetches once the server runs, retrying until auth answers
//   server.Run();  // no server.Start() before it: Run() handles SIGTERM only when it starts the server
//
//   // a handler
//   server.Post("/books", [&](http::Context& ctx) -> http::Awaitable<http::Response> {
//     authn::Identity caller = co_await authenticator.RequireUser(ctx);   // 401 problem otherwise
//     ...
//   });
//
// Verification (libs/auth TokenVerifier): algorithm pinned to EdDSA, signature by a key of auth's JWKS
// (looked up by kid), iss == JWT_ISSUER, aud contains JWT_AUDIENCE, exp/nbf/iat with JWT_LEEWAY; results
// are cached (VerifiedTokenCache) and the jti is checked against Revocations() on every request (hit or
// miss), then against the optional Options::is_revoked hook.
//
// Keys: a token whose kid is unknown makes the KeySource refetch the JWKS, at most once per
// min_refetch_interval (5 s); concurrent requests that need a refetch share one fetch and all wait for it.
// So after auth rotates its keys (a new line appended to JWT_KEYS), the first token with the new kid
// costs one JWKS fetch here and every later one nothing.

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "bookstore/auth/claims.h"
#include "bookstore/auth/jwt.h"
#include "bookstore/auth/keys.h"
#include "bookstore/auth/revocation.h"
#include "bookstore/auth/token_cache.h"
#include "bookstore/auth/token_verifier.h"
#include "bookstore/http/client.h"
#include "bookstore/http/context.h"
#include "bookstore/http/message.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace bookstore::config {
class Env;
}  // namespace bookstore::config

namespace bookstore::authn {

// ---------------------------------------------------------------------------------------------------
// Settings

struct Settings {
  std::string auth_url;                   // AUTH_URL: base URL(s) of auth, e.g. http://auth:5001
  std::string issuer = "bookstore-auth";  // JWT_ISSUER
  std::string audience = "bookstore";     // JWT_AUDIENCE
  std::chrono::seconds leeway{30};        // JWT_LEEWAY: tolerated clock skew on exp/nbf/iat
};

// Declares and reads JWT_ISSUER (bookstore-auth), JWT_AUDIENCE (bookstore) and JWT_LEEWAY (30s).
// auth_url stays empty.
// This is what auth itself reads (it verifies with its own keys).
Settings ReadTokenSettings(config::Env& env);
// ReadTokenSettings plus AUTH_URL (default http://127.0.0.1:5001; must be http://host[:port]).
// Problems are reported by env.Finish().
Settings ReadSettings(config::Env& env);

// ---------------------------------------------------------------------------------------------------
// Identity: who the caller is, from a verified token.

struct Identity {
  std::int64_t user_id = 0;  // sub, a positive integer
  std::string name;          // the display name at the time of login
  auth::Role role = auth::Role::kUser;
  std::string jti;                 // token id; what logout revokes
  std::chrono::sys_seconds exp{};  // when the token expires

  static Identity FromClaims(const auth::Claims& claims);

  [[nodiscard]] bool IsAdmin() const { return role == auth::Role::kAdmin; }
  // The owner-or-admin rule (PUT/DELETE /books/{id}, GET /orders/{id}, cancel).
  [[nodiscard]] bool IsSelfOrAdmin(std::int64_t owner_user_id) const {
    return IsAdmin() || user_id == owner_user_id;
  }
  [[nodiscard]] std::string_view RoleName() const { return auth::RoleName(role); }

  bool operator==(const Identity&) const = default;
};

// The context attribute under which Authenticator stores the caller's Identity once authenticated.
inline constexpr std::string_view kIdentityAttribute = "authn.identity";

// The Identity an Authenticator already stored in this request's context, or nullptr.
const Identity* CurrentIdentity(const http::Context& ctx);

// ---------------------------------------------------------------------------------------------------
// KeySource: the public keys tokens are checked against.

class KeySource {
 public:
  struct Options {
    // GET {auth_url}/.well-known/jwks.json. Several base URLs may be given, comma-separated (replicas):
    // each fetch tries them in turn until one answers.
    std::string auth_url;
    std::chrono::milliseconds fetch_timeout{2'000};
    // Refetches triggered by unknown kids happen at most this often.
    std::chrono::milliseconds min_refetch_interval{5'000};
    // Start-up: retry with exponential backoff from retry_initial to retry_max until auth answers.
    std::chrono::milliseconds retry_initial{200};
    std::chrono::milliseconds retry_max{5'000};
    // After the first success, refetch this often anyway, so that a key removed from auth's JWT_KEYS
    // stops being trusted here too (0 disables).
    std::chrono::milliseconds refresh_interval{300'000};
  };

  // Keys fetched from auth. `client` must outlive the KeySource, and the io_context given to Start must
  // stop before either is destroyed (declare the http::Server after them). Throws std::invalid_argument
  // for a bad or empty auth_url.
  KeySource(Options options, http::Client& client);
  // A fixed key set (auth itself verifies with its own keys; tests). Ready at once; never fetches.
  explicit KeySource(auth::PublicKeySet keys);
  ~KeySource();
  KeySource(const KeySource&) = delete;
  KeySource& operator=(const KeySource&) = delete;

  // Starts the background fetching on `io` (an io_context of the server; it may be called before the
  // server runs: the work waits in the queue): the first fetch, retried until it succeeds, then the
  // periodic refresh. Does nothing for a fixed key set. Later calls do nothing.
  void Start(boost::asio::io_context& io);

  // True once keys are loaded (a readiness check: "not ready until keys are loaded").
  [[nodiscard]] bool Ready() const;

  // The current keys (empty set before the first successful fetch). Thread-safe, cheap.
  [[nodiscard]] std::shared_ptr<const auth::PublicKeySet> Keys() const;
  // Increases each time Keys() changes; lets a verifier notice new keys with one atomic load.
  [[nodiscard]] std::uint64_t Version() const;

  // Called when a token names a kid we do not know (or no keys are loaded yet): fetches the JWKS now
  // unless a fetch ran less than min_refetch_interval ago. When a fetch is already running, waits for it
  // instead of starting another. Returns once the keys are as fresh as they will get; never throws
  // (a failed fetch keeps the previous keys and is logged).
  http::Awaitable<void> RefreshForUnknownKid();

  struct Stats {
    std::uint64_t fetches = 0;  // attempts, successful or not
    std::uint64_t failures = 0;
  };
  [[nodiscard]] Stats GetStats() const;

  struct Impl;  // defined in key_source.cpp

 private:
  std::shared_ptr<Impl> impl_;  // shared with the background coroutines
};

// ---------------------------------------------------------------------------------------------------
// Authenticator

class Authenticator {
 public:
  struct Options {
    std::string issuer = "bookstore-auth";
    std::string audience = "bookstore";
    std::chrono::seconds leeway{30};
    auth::VerifiedTokenCache::Options cache{};
    // An extra revocation check after the token verified and passed Revocations(), e.g. auth's own
    // revocation table. Returns true when revoked. An exception from it escapes to the handler (500/503).
    std::function<http::Awaitable<bool>(const Identity&)> is_revoked;

    static Options From(const Settings& settings);
  };

  // `keys` must outlive the Authenticator.
  Authenticator(Options options, KeySource& keys);
  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // Verifies a raw token (no "Bearer "). On kUnknownKid (or before keys are loaded) asks the KeySource to
  // refresh and verifies once more. Never throws for a bad token (only the is_revoked hook may throw).
  http::Awaitable<auth::VerifyResult> Verify(std::string_view token);

  // For the request in ctx (Authorization header; the result is stored in ctx under kIdentityAttribute,
  // so a second call within the same request costs nothing):
  // - no Authorization header: nullopt;
  // - a header that is not "Bearer <token>", or a token that does not verify / is revoked / expired:
  //   throws http::Error 401 with "WWW-Authenticate: Bearer";
  // - no keys could be loaded from auth yet: throws http::Error 503.
  http::Awaitable<std::optional<Identity>> OptionalUser(http::Context& ctx);
  // As OptionalUser, but a missing header is 401 "authentication required" too.
  http::Awaitable<Identity> RequireUser(http::Context& ctx);
  // As RequireUser, then 403 "admin role required" unless the caller is an admin.
  http::Awaitable<Identity> RequireAdmin(http::Context& ctx);

  // Revoked jtis checked on every request: feed it from auth.token_revoked events and, at start-up,
  // from FetchRevocations (the gateway). Services without a feed leave it empty (one atomic load).
  auth::RevocationSet& Revocations();

  [[nodiscard]] bool Ready() const;  // the KeySource has keys
  [[nodiscard]] auth::TokenVerifierStats Stats() const;

 private:
  void SyncKeys();

  Options options_;
  KeySource& keys_;
  auth::TokenVerifier verifier_;
  std::mutex sync_mutex_;                         // serialises SetKeys calls
  std::atomic<std::uint64_t> synced_version_{0};  // the KeySource version the verifier holds
};

// ---------------------------------------------------------------------------------------------------
// Revocations at start-up (gateway)

// GET {auth_url}/internal/revocations — a JSON array [{"jti": "...", "exp": <Unix seconds>}, ...] of the
// revocations still in force — into `into` (auth_url as in KeySource::Options: several are tried in
// turn). Returns how many entries were read. Throws http::UpstreamError when no auth answers,
// std::runtime_error for a non-200 answer or a malformed body. (/internal/* must never be routed
// publicly by the gateway.)
http::Awaitable<std::size_t> FetchRevocations(http::Client& client, std::string_view auth_url,
                                              auth::RevocationSet& into,
                                              std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Applies one auth.token_revoked event's data {jti, user_id, exp} to `into`. False (nothing changed) when
// the data is malformed.
bool ApplyTokenRevoked(const boost::json::object& data, auth::RevocationSet& into);

}  // namespace bookstore::authn
