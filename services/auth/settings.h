#pragma once
// Everything auth reads from the environment (libs/config: each NAME may also be NAME_FILE; --help
// lists them).

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "bookstore/auth/password.h"
#include "bookstore/authn/authn.h"
#include "bookstore/config/env.h"
#include "bookstore/service/settings.h"
#include "domain/login_limit.h"

namespace bookstore::auth_service {

struct AdminBootstrap {
  std::string email;
  std::string password;
  std::string name;
};

struct Settings : service::BackendSettings {
  authn::Settings tokens;  // JWT_ISSUER, JWT_AUDIENCE, JWT_LEEWAY
  std::string jwt_keys;    // JWT_KEYS text (normally JWT_KEYS_FILE)
  std::chrono::seconds token_ttl{3600};
  auth::PasswordHashParams password;
  std::size_t password_threads = 0;  // 0: one per core
  std::size_t password_queue = 256;
  LoginFailureLimit login_failures;     // LOGIN_FAILURES_PER_ACCOUNT per LOGIN_FAILURES_WINDOW
  std::optional<AdminBootstrap> admin;  // both ADMIN_EMAIL and ADMIN_PASSWORD set
};

// Declares and reads every setting, then env.Finish() (exits on --help or a bad value).
Settings ReadSettings(config::Env& env);

}  // namespace bookstore::auth_service
