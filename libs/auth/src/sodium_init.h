#pragma once
// Every entry point of this library starts libsodium first (bookstore/auth/sodium.h).

#include "bookstore/auth/sodium.h"

namespace bookstore::auth::detail {

using auth::EnsureSodium;

}  // namespace bookstore::auth::detail
