// Authenticator, Identity, settings and the revocation helpers.

#include <boost/json/parse.hpp>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "authn_internal.h"
#include "bookstore/auth/bearer.h"
#include "bookstore/authn/authn.h"
#include "bookstore/config/env.h"
#include "bookstore/http/error.h"
#include "bookstore/log/log.h"

namespace bookstore::authn {

namespace json = boost::json;

// ------------------------------------------------------------------------------------------ settings

Settings ReadTokenSettings(config::Env& env) {
  Settings settings;
  settings.issuer = env.String("JWT_ISSUER", "bookstore-auth", "iss of access tokens (issued and expected)");
  settings.audience = env.String("JWT_AUDIENCE", "bookstore", "aud of access tokens (issued and expected)");
  settings.leeway = std::chrono::duration_cast<std::chrono::seconds>(
      env.Duration("JWT_LEEWAY", std::chrono::seconds(30), "clock skew tolerated when checking token times"));
  return settings;
}

Settings ReadSettings(config::Env& env) {
  Settings settings = ReadTokenSettings(env);
  settings.auth_url = env.String("AUTH_URL", "http://127.0.0.1:5001",
                                 "base URL of auth for its JWKS (/.well-known/jwks.json); several may be "
                                 "given comma-separated");
  return settings;
}

namespace detail {

std::vector<http::Upstream> ParseUpstreams(std::string_view urls) {
  std::vector<http::Upstream> upstreams;
  while (!urls.empty()) {
    auto comma = urls.find(',');
    auto item = urls.substr(0, comma);
    urls = comma == std::string_view::npos ? std::string_view{} : urls.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    try {
      upstreams.push_back(http::Upstream::Parse(item));
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("AUTH_URL: " + std::string(item) + ": " + error.what());
    }
  }
  if (upstreams.empty()) throw std::invalid_argument("AUTH_URL: no URL given");
  return upstreams;
}

}  // namespace detail

// ------------------------------------------------------------------------------------------ identity

Identity Identity::FromClaims(const auth::Claims& claims) {
  return Identity{claims.UserId(), claims.name, claims.role, claims.token_id, claims.expires_at};
}

const Identity* CurrentIdentity(const http::Context& ctx) { return ctx.Get<Identity>(kIdentityAttribute); }

// ------------------------------------------------------------------------------------- authenticator

Authenticator::Options Authenticator::Options::From(const Settings& settings) {
  Options options;
  options.issuer = settings.issuer;
  options.audience = settings.audience;
  options.leeway = settings.leeway;
  return options;
}

namespace {

auth::TokenVerifier::Options VerifierOptions(const Authenticator::Options& options) {
  auth::TokenVerifier::Options verifier;
  verifier.issuer = options.issuer;
  verifier.audience = options.audience;
  verifier.leeway = options.leeway;
  verifier.cache = options.cache;
  return verifier;
}

std::string RejectionDetail(auth::VerifyFailure failure) {
  switch (failure) {
    case auth::VerifyFailure::kExpired:
      return "token expired";
    case auth::VerifyFailure::kRevoked:
      return "token revoked";
    default:
      return "invalid token";
  }
}

}  // namespace

Authenticator::Authenticator(Options options, KeySource& keys)
    : options_(std::move(options)), keys_(keys), verifier_(VerifierOptions(options_)) {}

Authenticator::~Authenticator() = default;

void Authenticator::SyncKeys() {
  auto version = keys_.Version();
  if (version == synced_version_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(sync_mutex_);
  version = keys_.Version();
  if (version == synced_version_.load(std::memory_order_relaxed)) return;
  // Keys() is at least as new as `version` (the KeySource bumps the version after replacing the keys).
  verifier_.SetKeys(*keys_.Keys());
  synced_version_.store(version, std::memory_order_release);
}

http::Awaitable<auth::VerifyResult> Authenticator::Verify(std::string_view token) {
  SyncKeys();
  auto result = verifier_.Verify(token, auth::NowSeconds());
  if (!result && result.Failure() == auth::VerifyFailure::kUnknownKid) {
    // A key auth added since our last fetch (rotation), or no keys yet: refetch (bounded rate) and retry.
    co_await keys_.RefreshForUnknownKid();
    SyncKeys();
    result = verifier_.Verify(token, auth::NowSeconds());
  }
  if (result && options_.is_revoked && co_await options_.is_revoked(Identity::FromClaims(result.Value()))) {
    co_return auth::VerifyError{auth::VerifyFailure::kRevoked, "revoked"};
  }
  co_return result;
}

http::Awaitable<std::optional<Identity>> Authenticator::OptionalUser(http::Context& ctx) {
  if (const auto* known = CurrentIdentity(ctx)) co_return *known;
  auto header = ctx.request().find(http::Field::authorization);
  if (header == ctx.request().end()) co_return std::nullopt;
  auto token = auth::ExtractBearerToken(header->value());
  if (!token) throw http::Unauthorized("the Authorization header must be \"Bearer <token>\"");
  auto result = co_await Verify(*token);
  if (!result) {
    if (result.Failure() == auth::VerifyFailure::kUnknownKid && !keys_.Ready()) {
      throw http::ServiceUnavailable("authentication keys are not available yet");
    }
    log::Info("token rejected", http::RequestLogFields(ctx, {{"reason", auth::FailureName(result.Failure())},
                                                             {"detail", result.Error().detail}}));
    throw http::Unauthorized(RejectionDetail(result.Failure()));
  }
  auto identity = Identity::FromClaims(result.Value());
  ctx.Set(std::string(kIdentityAttribute), identity);
  co_return identity;
}

http::Awaitable<Identity> Authenticator::RequireUser(http::Context& ctx) {
  auto identity = co_await OptionalUser(ctx);
  if (!identity) throw http::Unauthorized("authentication required");
  co_return std::move(*identity);
}

http::Awaitable<Identity> Authenticator::RequireAdmin(http::Context& ctx) {
  auto identity = co_await RequireUser(ctx);
  if (!identity.IsAdmin()) throw http::Forbidden("admin role required");
  co_return identity;
}

auth::RevocationSet& Authenticator::Revocations() { return verifier_.Revocations(); }

bool Authenticator::Ready() const { return keys_.Ready(); }

auth::TokenVerifierStats Authenticator::Stats() const { return verifier_.Stats(); }

// -------------------------------------------------------------------------------------- revocations

bool ApplyTokenRevoked(const json::object& data, auth::RevocationSet& into) {
  const auto* jti = data.if_contains("jti");
  const auto* exp = data.if_contains("exp");
  if (jti == nullptr || !jti->is_string() || jti->as_string().empty()) return false;
  if (exp == nullptr || !exp->is_int64()) return false;
  into.Revoke(std::string_view{jti->as_string()},
              std::chrono::sys_seconds{std::chrono::seconds{exp->as_int64()}}, auth::NowSeconds());
  return true;
}

http::Awaitable<std::size_t> FetchRevocations(http::Client& client, std::string_view auth_url,
                                              auth::RevocationSet& into, std::chrono::milliseconds timeout) {
  auto upstreams = detail::ParseUpstreams(auth_url);
  std::exception_ptr last_error;
  for (const auto& upstream : upstreams) {
    http::Request request{http::Verb::get, "/internal/revocations", 11};
    request.set(http::Field::accept, "application/json");
    http::Response response;
    try {
      response = co_await client.Send(upstream, std::move(request), timeout);
    } catch (const http::UpstreamError&) {
      last_error = std::current_exception();
      continue;
    }
    if (response.result() != http::Status::ok) {
      throw std::runtime_error("GET /internal/revocations answered " + std::to_string(response.result_int()));
    }
    json::error_code ec;
    auto body = json::parse(response.body(), ec);
    if (ec || !body.is_array()) throw std::runtime_error("GET /internal/revocations: not a JSON array");
    std::size_t count = 0;
    for (const auto& entry : body.as_array()) {
      if (entry.is_object() && ApplyTokenRevoked(entry.as_object(), into)) ++count;
    }
    co_return count;
  }
  std::rethrow_exception(last_error);
}

}  // namespace bookstore::authn
