#pragma once
// What auth's handlers share, and the functions that add each resource's routes. Routes:
//   handlers/account.cpp  POST /auth/register, POST /auth/login, POST /auth/logout, GET /auth/me
//   handlers/users.cpp    GET /users (admin)
//   handlers/keys.cpp     GET /.well-known/jwks.json, GET /internal/revocations (gateway start-up; the
//                         gateway must never route /internal/* publicly)

#include <string>

#include "bookstore/auth/keys.h"
#include "bookstore/authn/authn.h"
#include "bookstore/db/db.h"
#include "bookstore/http/server.h"
#include "password_workers.h"
#include "settings.h"

namespace bookstore::auth_service::handlers {

struct Deps {
  db::Pool& pool;
  PasswordWorkers& passwords;
  const auth::SigningKeys& keys;
  authn::Authenticator& authenticator;
  const Settings& settings;
};

void AddAccountRoutes(http::Server& server, Deps& deps);
void AddUserRoutes(http::Server& server, Deps& deps);
void AddKeyRoutes(http::Server& server, Deps& deps);

}  // namespace bookstore::auth_service::handlers
