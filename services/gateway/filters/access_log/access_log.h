#pragma once
// Filter "access_log" (the outermost): creates the request state the other filters share
// (request_state.h) and writes one JSON line per request when it is done:
//   {"msg":"request","method":"GET","path":"/books/42","status":200,"upstream":"10.0.0.5:5002",
//    "duration_ms":1.234,"request_id":"...","client_ip":"203.0.113.9","attempts":1,"cache":"miss",
//    "user_id":7}
// ("upstream" is "-" for answers the gateway gave itself, cached ones included; "cache" is hit, miss or
// bypass, from filters/response_cache when it is on). The server's own access log is turned off in the
// gateway, so there is exactly one line per request; /healthz, /readyz and /metrics bypass the filters
// and are not logged.

#include "bookstore/http/router.h"

namespace bookstore::gateway {

// enabled=false still creates the request state, it only skips the line (HTTP_ACCESS_LOG=false).
http::Middleware AccessLogFilter(bool enabled);

}  // namespace bookstore::gateway
