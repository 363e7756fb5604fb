#pragma once
// Filter "client_ip": who the client is, for rate limits and the access log.
//
// The peer address is the client unless the peer is a trusted proxy (TRUSTED_PROXIES); then the client is
// taken from X-Forwarded-For. Each proxy appends the address it saw, so the header is read from the right:
// the first entry that is not itself a trusted proxy is the client (anything further left could have been
// written by the client). The header the services receive is rewritten the same way: the chain stays only
// when the peer is trusted, and the peer is appended.
//
// An address alone proves little where clients share it with the proxy (on one host every local client
// comes from 127.0.0.1, as web does). With a proxy secret (TRUSTED_PROXY_SECRET) a trusted peer must also
// present it in X-Proxy-Secret, as web does (GATEWAY_PROXY_SECRET); the header never goes upstream.

#include <string>
#include <string_view>

#include "bookstore/http/router.h"
#include "filters/client_ip/cidr.h"

namespace bookstore::gateway {

// The client address for a request from `peer` carrying `forwarded_for` (empty when absent).
std::string ResolveClientIp(std::string_view peer, std::string_view forwarded_for, const CidrSet& trusted);

// The X-Forwarded-For value to send upstream.
std::string ForwardedForUpstream(std::string_view peer, std::string_view forwarded_for,
                                 const CidrSet& trusted);

inline constexpr std::string_view kProxySecretHeader = "X-Proxy-Secret";

// Stores the client address in the request state (filters/request_state.h). `trusted` must outlive the
// server; an empty `proxy_secret` requires none.
http::Middleware ClientIpFilter(const CidrSet& trusted, std::string proxy_secret);

}  // namespace bookstore::gateway
