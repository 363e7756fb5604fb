#pragma once
// Filter "client_ip": who the client is, for rate limits and the access log.
//
// The peer address is the client unless the peer is a trusted proxy (TRUSTED_PROXIES); then the client is
// taken from X-Forwarded-For. Each proxy appends the address it saw, so the header is read from the right:
// the first entry that is not itself a trusted proxy is the client (anything further left could have been
// written by the client). The header the services receive is rewritten the same way: the chain stays only
// when the peer is trusted, and the peer is appended.

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

// Stores the client address in the request state (filters/request_state.h). `trusted` must outlive the
// server.
http::Middleware ClientIpFilter(const CidrSet& trusted);

}  // namespace bookstore::gateway
