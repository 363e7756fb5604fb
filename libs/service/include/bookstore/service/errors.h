#pragma once
// The failures every service maps to HTTP the same way, in one middleware (registered first, so it
// sees what every handler throws): ValidationError -> 400 naming the field; a lost database connection
// (db::Error::IsConnectionLost) -> 503, logged with the request id. http::Error passes through; a
// service maps its own domain exceptions in a middleware of its own after this one.

#include "bookstore/http/router.h"
#include "bookstore/service/validation_error.h"

namespace bookstore::service {

http::Middleware MapCommonErrors();

}  // namespace bookstore::service
