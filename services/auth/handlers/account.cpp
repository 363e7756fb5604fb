// POST /auth/register, POST /auth/login, POST /auth/logout, GET /auth/me.

#include <algorithm>
#include <boost/json/object.hpp>
#include <chrono>
#include <exception>
#include <variant>

#include "bookstore/auth/claims.h"
#include "bookstore/auth/jwt.h"
#include "bookstore/bus/outbox.h"
#include "bookstore/http/trace_context.h"
#include "bookstore/log/log.h"
#include "domain/validation.h"
#include "events/auth_events.h"
#include "handlers/deps.h"
#include "repository/login_failure_repository.h"
#include "repository/revocation_repository.h"
#include "repository/user_repository.h"

namespace bookstore::auth_service::handlers {

namespace {

namespace json = boost::json;
using http::Awaitable;
using http::Context;
using http::Response;

// One answer for an unknown email and a wrong password, so neither reveals which emails exist.
constexpr const char* kBadCredentials = "invalid email or password";
constexpr std::int64_t kExpiredRevocationsPerLogout = 100;
constexpr std::int64_t kForgottenLoginFailuresPerFailure = 20;

http::Error EmailTaken() {
  return http::Error(http::Status::conflict, "email already registered", json::object{{"field", "email"}});
}

template <typename T>
T& ValidOrThrow(std::variant<T, ValidationError>& parsed) {
  if (auto* error = std::get_if<ValidationError>(&parsed)) {
    throw http::BadRequest(error->message, error->field);
  }
  return std::get<T>(parsed);
}

Awaitable<Response> Register(Deps& deps, Context& ctx) {
  auto body = http::ParseJsonObject(ctx.request());
  auto parsed = ParseRegistration(body);
  auto& registration = ValidOrThrow(parsed);

  // Saves a 20 ms hash for the common case; the unique index decides races below.
  bool taken = co_await deps.pool.Run([&](db::Connection& c) {
    return repository::FindUserByEmail(c, registration.normalized_email).has_value();
  });
  if (taken) throw EmailTaken();

  User user;
  user.name = registration.name;
  user.email = registration.email;
  user.role = auth::Role::kUser;
  user.created_at = auth::NowSeconds();
  user.password_hash = co_await deps.passwords.Hash(std::move(registration.password));
  auto traceparent = http::TraceparentOf(ctx);
  bool duplicate = false;
  try {
    user.id = co_await deps.pool.Transact([&](db::Connection& c) {
      User stored = user;
      stored.id = repository::InsertUser(c, {user.name, user.email, registration.normalized_email,
                                             user.password_hash, user.role, user.created_at});
      bus::outbox::Add(c, events::UserRegistered(stored, traceparent));
      return stored.id;
    });
  } catch (const db::Error& error) {
    if (!error.IsDuplicateKey()) throw;
    duplicate = true;
  }
  if (duplicate) throw EmailTaken();
  log::Info("user registered", http::RequestLogFields(ctx, {{"user_id", user.id}}));
  co_return http::JsonResponse(
      json::object{
          {"user_id", user.id}, {"name", user.name}, {"email", user.email}, {"message", "user registered"}},
      http::Status::created);
}

// After a successful login with a hash made under older parameters, store a fresh one. Best effort:
// the login already succeeded.
Awaitable<void> RehashIfNeeded(Deps& deps, const User& user, const std::string& password) {
  if (!deps.passwords.NeedsRehash(user.password_hash)) co_return;
  try {
    auto fresh = co_await deps.passwords.Hash(password);
    co_await deps.pool.Run([&](db::Connection& c) {
      repository::UpdatePasswordHash(c, user.id, fresh);
      return 0;
    });
  } catch (const std::exception& error) {
    log::Warn("password rehash failed", {{"user_id", user.id}, {"error", error.what()}});
  }
}

std::chrono::milliseconds NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
}

// Takes one attempt from the account's failed-login allowance (429 when none is left); the attempt counts
// as a failure unless GiveBackLoginAttempt is called.
Awaitable<void> TakeLoginAttempt(Deps& deps, const std::string& email_key) {
  std::optional<std::chrono::seconds> refused;
  try {
    co_await deps.pool.Transact([&](db::Connection& c) {
      repository::TakeLoginAttempt(c, email_key, deps.settings.login_failures, NowMs());
      return 0;
    });
  } catch (const repository::LoginAttemptRefused& refusal) {
    refused = refusal.retry_after;
  }
  if (refused) {
    throw http::TooManyRequests("too many failed logins for this account; try again later",
                                static_cast<int>(std::max<std::int64_t>(1, refused->count())),
                                "LOGIN_FAILURES_PER_ACCOUNT");
  }
}

// Best effort: a refund that fails leaves one failure counted too many, which leaks away.
Awaitable<void> GiveBackLoginAttempt(Deps& deps, const std::string& email_key) {
  try {
    co_await deps.pool.Run([&](db::Connection& c) {
      repository::RefundLoginAttempt(c, email_key);
      return 0;
    });
  } catch (const std::exception& error) {
    log::Warn("login attempt refund failed", {{"error", error.what()}});
  }
}

Awaitable<void> ForgetOldLoginFailures(Deps& deps) {
  try {
    co_await deps.pool.Run([&](db::Connection& c) {
      return repository::DeleteForgottenLoginFailures(c, deps.settings.login_failures, NowMs(),
                                                      kForgottenLoginFailuresPerFailure);
    });
  } catch (const std::exception& error) {
    log::Warn("deleting old login failures failed", {{"error", error.what()}});
  }
}

Awaitable<Response> Login(Deps& deps, Context& ctx) {
  auto body = http::ParseJsonObject(ctx.request());
  auto parsed = ParseLogin(body);
  auto& login = ValidOrThrow(parsed);

  co_await TakeLoginAttempt(deps, login.normalized_email);
  bool valid = false;
  std::optional<User> user;
  std::exception_ptr not_judged;  // the credentials were never checked: not a failure
  try {
    user = co_await deps.pool.Run(
        [&](db::Connection& c) { return repository::FindUserByEmail(c, login.normalized_email); });
    std::optional<std::string> stored_hash;
    if (user) stored_hash = user->password_hash;
    valid = co_await deps.passwords.Verify(login.password, std::move(stored_hash));
  } catch (...) {
    not_judged = std::current_exception();
  }
  if (!valid && !not_judged) {
    co_await ForgetOldLoginFailures(deps);
    log::Info("login failed", http::RequestLogFields(ctx));
    throw http::Unauthorized(kBadCredentials);
  }
  co_await GiveBackLoginAttempt(deps, login.normalized_email);
  if (not_judged) std::rethrow_exception(not_judged);
  co_await RehashIfNeeded(deps, *user, login.password);

  const auto& tokens = deps.settings.tokens;
  auto claims = auth::NewClaims(tokens.issuer, tokens.audience, user->id, user->name, user->role,
                                auth::NowSeconds(), deps.settings.token_ttl);
  auto token = auth::Sign(claims, deps.keys);
  log::Info("login", http::RequestLogFields(ctx, {{"user_id", user->id}, {"jti", claims.token_id}}));
  co_return http::JsonResponse(json::object{{"token", token},
                                            {"user_id", user->id},
                                            {"name", user->name},
                                            {"role", auth::RoleName(user->role)},
                                            {"expires_in", deps.settings.token_ttl.count()}});
}

Awaitable<Response> Logout(Deps& deps, Context& ctx) {
  auto caller = co_await deps.authenticator.RequireUser(ctx);
  auto traceparent = http::TraceparentOf(ctx);
  co_await deps.pool.Transact([&](db::Connection& c) {
    auto now = auth::NowSeconds();
    if (repository::InsertRevocation(c, caller.jti, caller.user_id, caller.exp, now)) {
      bus::outbox::Add(c, events::TokenRevoked(caller.jti, caller.user_id, caller.exp, traceparent));
    }
    repository::DeleteExpiredRevocations(c, now, kExpiredRevocationsPerLogout);
  });
  log::Info("logout", http::RequestLogFields(ctx, {{"user_id", caller.user_id}, {"jti", caller.jti}}));
  co_return http::EmptyResponse(http::Status::no_content);
}

Awaitable<Response> Me(Deps& deps, Context& ctx) {
  auto caller = co_await deps.authenticator.RequireUser(ctx);
  auto user =
      co_await deps.pool.Run([&](db::Connection& c) { return repository::FindUserById(c, caller.user_id); });
  if (!user) throw http::Unauthorized("the token's user no longer exists");
  co_return http::JsonResponse(UserJson(*user));
}

}  // namespace

void AddAccountRoutes(http::Server& server, Deps& deps) {
  server.Post("/auth/register", [&deps](Context& ctx) { return Register(deps, ctx); });
  server.Post("/auth/login", [&deps](Context& ctx) { return Login(deps, ctx); });
  server.Post("/auth/logout", [&deps](Context& ctx) { return Logout(deps, ctx); });
  server.Get("/auth/me", [&deps](Context& ctx) { return Me(deps, ctx); });
}

}  // namespace bookstore::auth_service::handlers
