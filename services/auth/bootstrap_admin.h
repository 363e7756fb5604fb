#pragma once
// ADMIN_EMAIL / ADMIN_PASSWORD at start-up: make sure that account exists and is an admin.

#include "bookstore/db/db.h"
#include "password_workers.h"
#include "settings.h"

namespace bookstore::auth_service {

// Creates the admin (with user.registered through the outbox) when no user has that email; promotes
// the user holding it when it is not an admin, giving it ADMIN_PASSWORD (whoever registered the address
// first must not become admin with a password of their own); otherwise leaves it alone (an existing
// admin keeps its password). Several replicas may run it at once: the unique email index lets one insert win
// and the others see a duplicate, which counts as success. Blocking (start-up only). Throws
// std::invalid_argument when the email or password breaks the registration rules, db::Error on
// database failures.
void BootstrapAdmin(db::Pool& pool, const PasswordWorkers& passwords, const AdminBootstrap& admin);

}  // namespace bookstore::auth_service
