#pragma once
// Filter "client_ip": who the client is, for rate limits and the access log.
//
// The client and the X-Forwarded-For the services receive follow libs/http's one rule for trusted
// proxies (bookstore/http/client_address.h: TRUSTED_PROXIES, the rightmost untrusted entry).
//
// An address alone proves little where clients share it with the proxy (on one host every local client
// comes from 127.0.0.1, as web does). With a proxy secret (TRUSTED_PROXY_SECRET) a trusted peer must also
// present it in X-Proxy-Secret, as web does (GATEWAY_PROXY_SECRET); the header never goes upstream.

#include <string>
#include <string_view>

#include "bookstore/http/client_address.h"
#include "bookstore/http/router.h"

namespace bookstore::gateway {

inline constexpr std::string_view kProxySecretHeader = "X-Proxy-Secret";

// Stores the client address in the request state (filters/request_state.h). `trusted` must outlive the
// server; an empty `proxy_secret` requires none.
http::Middleware ClientIpFilter(const http::TrustedProxies& trusted, std::string proxy_secret);

}  // namespace bookstore::gateway
