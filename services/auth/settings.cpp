#include "settings.h"

#include <cstdio>
#include <cstdlib>

#include "bookstore/db/options.h"

namespace bookstore::auth_service {

Settings ReadSettings(config::Env& env) {
  Settings settings;
  service::ReadBackendSettings(env, {.name = "auth", .port = 5001, .admin_port = 9001}, settings);
  settings.tokens = authn::ReadTokenSettings(env);
  settings.jwt_keys = env.RequiredSecret(
      "JWT_KEYS",
      "signing keys, one `<kid> <base64url 32-byte Ed25519 seed>` per line; the last one signs, "
      "the others still verify (use JWT_KEYS_FILE)");
  settings.token_ttl = std::chrono::duration_cast<std::chrono::seconds>(
      env.Duration("JWT_TTL", std::chrono::hours(1), "lifetime of access tokens"));
  settings.password.ops_limit = static_cast<std::uint64_t>(
      env.Int("PASSWORD_OPSLIMIT", 2, 1, 100, "argon2id passes (t_cost); OWASP minimum 2 at 19 MiB"));
  settings.password.mem_limit_bytes =
      static_cast<std::size_t>(env.Int("PASSWORD_MEMLIMIT_KIB", 19 * 1024, 8, 4 * 1024 * 1024,
                                       "argon2id memory per hash in KiB; OWASP minimum 19456")) *
      1024;
  settings.password_threads = static_cast<std::size_t>(env.Int(
      "PASSWORD_THREADS", 0, 0, 256, "threads hashing passwords; 0 = one per CPU this process may use"));
  settings.password_queue =
      static_cast<std::size_t>(env.Int("PASSWORD_QUEUE_LIMIT", 256, 1, 100000,
                                       "password checks waiting at most; beyond, 503 with Retry-After"));
  settings.login_failures.failures = env.Int(
      "LOGIN_FAILURES_PER_ACCOUNT", 100, 1, 1000000,
      "failed logins per account (any client, any replica) within LOGIN_FAILURES_WINDOW; beyond, 429");
  settings.login_failures.window = std::chrono::duration_cast<std::chrono::milliseconds>(env.Duration(
      "LOGIN_FAILURES_WINDOW", std::chrono::minutes(15), "the window of LOGIN_FAILURES_PER_ACCOUNT"));
  auto admin_email =
      env.String("ADMIN_EMAIL", "", "email of an admin account created (or promoted) at start-up");
  auto admin_password =
      env.Secret("ADMIN_PASSWORD", "",
                 "password of that admin when it is created or promoted (an existing admin keeps its own)");
  auto admin_name = env.String("ADMIN_NAME", "Administrator", "name of that admin when it is created");
  env.Finish();

  if (settings.token_ttl.count() <= 0) {
    std::fprintf(stderr, "JWT_TTL: must be at least 1s\n");
    std::exit(2);
  }
  if (settings.login_failures.window.count() <= 0) {
    std::fprintf(stderr, "LOGIN_FAILURES_WINDOW: must be at least 1ms\n");
    std::exit(2);
  }
  if (admin_email.empty() != admin_password.empty()) {
    std::fprintf(stderr, "ADMIN_EMAIL and ADMIN_PASSWORD: give both or neither\n");
    std::exit(2);
  }
  if (!admin_email.empty()) settings.admin = AdminBootstrap{admin_email, admin_password, admin_name};
  return settings;
}

}  // namespace bookstore::auth_service
