#include "filters/client_ip/client_ip.h"

#include "bookstore/auth/shared_secret.h"
#include "filters/request_state.h"

namespace bookstore::gateway {
namespace {

constexpr std::string_view kForwardedFor = "X-Forwarded-For";

}  // namespace

http::Middleware ClientIpFilter(const http::TrustedProxies& trusted, std::string proxy_secret) {
  return [&trusted, secret = std::move(proxy_secret)](http::Context& ctx,
                                                      http::Next next) -> http::Awaitable<http::Response> {
    static const http::TrustedProxies kNobody;
    auto& request = ctx.request();
    std::string_view forwarded;
    if (const auto it = request.find(kForwardedFor); it != request.end()) forwarded = it->value();
    const http::TrustedProxies* believed = &trusted;
    if (!secret.empty()) {
      const auto presented = request.find(kProxySecretHeader);
      const bool proven = presented != request.end() && auth::SharedSecretMatches(presented->value(), secret);
      if (!proven) believed = &kNobody;
      request.erase(kProxySecretHeader);
    }
    StateOf(ctx).client_ip = http::ResolveClientAddress(ctx.remote_address(), forwarded, *believed);
    request.set(kForwardedFor, http::ForwardedForUpstream(ctx.remote_address(), forwarded, *believed));
    co_return co_await next(ctx);
  };
}

}  // namespace bookstore::gateway
