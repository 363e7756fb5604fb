#pragma once
// The middleware of every page, in this order (server.Use):
//   SecurityHeaders  CSP without inline script or style, nosniff, Referrer-Policy, X-Frame-Options DENY
//   Sessions         opens the sealed session cookie (or starts a session), works out the client address
//                    and whether the browser uses HTTPS, and writes the cookie back when it changed
//   ErrorPages       turns errors into HTML pages (404, 403, 503 when the gateway is down...) and a
//                    needed login into a redirect to /login
//   CsrfCheck        parses a POSTed form and refuses it (403 page) unless its _csrf field matches

#include <string>
#include <vector>

#include "bookstore/http/client_address.h"
#include "bookstore/http/router.h"
#include "handlers/common.h"

namespace bookstore::web {

http::Middleware SecurityHeaders();
// The client address and X-Forwarded-Proto are believed from `proxies` only (libs/http's rule).
http::Middleware Sessions(const WebDeps& deps, const http::TrustedProxies& proxies, bool tls);
http::Middleware ErrorPages(const WebDeps& deps);
http::Middleware CsrfCheck();

// The error page for a status (also used by handlers that answer with an error page directly).
http::Response ErrorPage(http::Context& ctx, const WebDeps& deps, http::Status status, std::string message,
                         std::string title = {});

}  // namespace bookstore::web
