#pragma once
// user.registered feeds the sellers read model, so that seller_name never needs a call to auth.

#include "bookstore/bus/event.h"
#include "bookstore/db/db.h"

namespace bookstore::catalog::events {

// data {user_id, name, role, created_at}: the name is stored (it wins over a name taken from a token).
void HandleUserRegistered(const bus::Event& event, db::Connection& c);

}  // namespace bookstore::catalog::events
