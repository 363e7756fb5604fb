#pragma once
// Maps the catalog's own exceptions to HTTP in one place (a middleware): ValidationError -> 400 with
// "field"; a lost database connection -> 503. http::Error passes through; anything else is the
// server's 500.

#include "bookstore/http/router.h"

namespace bookstore::catalog::handlers {

http::Middleware MapDomainErrors();

}  // namespace bookstore::catalog::handlers
