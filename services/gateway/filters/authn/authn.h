#pragma once
// Filter "authn": verifies the bearer token of every routed request at the edge (libs/authn: EdDSA only,
// signature against auth's JWKS with a bounded refetch on an unknown kid, exp, iss, aud, revoked jtis,
// verified-token cache). A request without Authorization passes on anonymously (the services decide);
// one with a token that does not verify, is revoked or expired gets a 401 problem here and is not
// forwarded. The Authorization header itself goes on unchanged: services verify the token again and
// never trust anything else the gateway might add.

#include "bookstore/authn/authn.h"
#include "bookstore/http/metrics.h"
#include "bookstore/http/router.h"

namespace bookstore::gateway {

// `authenticator` may be null when AUTH_URLS is empty: then any request carrying credentials gets 503
// (they cannot be checked). It must outlive the server.
http::Middleware AuthnFilter(authn::Authenticator* authenticator);

}  // namespace bookstore::gateway
