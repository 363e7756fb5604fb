#include "filters/client_ip/client_ip.h"

#include <optional>

#include "bookstore/auth/shared_secret.h"
#include "filters/request_state.h"

namespace bookstore::gateway {
namespace {

constexpr std::string_view kForwardedFor = "X-Forwarded-For";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// One X-Forwarded-For entry: "1.2.3.4", "1.2.3.4:5678", "::1" or "[::1]:80".
std::optional<IpAddress> ParseForwardedEntry(std::string_view entry) {
  entry = Trim(entry);
  if (!entry.empty() && entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return IpAddress::Parse(entry.substr(1, close - 1));
  }
  const auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    entry = entry.substr(0, colon);  // IPv4 with a port
  }
  return IpAddress::Parse(entry);
}

}  // namespace

std::string ResolveClientIp(std::string_view peer, std::string_view forwarded_for, const CidrSet& trusted) {
  if (forwarded_for.empty() || !trusted.Contains(peer)) return std::string(peer);
  // From the right: skip the trusted proxies; the first other address is the client. A malformed entry
  // ends the walk: the last address we could trust stands in for the client.
  std::string client(peer);
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (Trim(entry).empty()) continue;
    const auto address = ParseForwardedEntry(entry);
    if (!address) break;
    client = address->ToString();
    if (!trusted.Contains(*address)) break;
  }
  return client;
}

std::string ForwardedForUpstream(std::string_view peer, std::string_view forwarded_for,
                                 const CidrSet& trusted) {
  if (forwarded_for.empty() || !trusted.Contains(peer)) return std::string(peer);
  std::string chain;
  chain.reserve(forwarded_for.size() + 2 + peer.size());
  chain.append(forwarded_for).append(", ").append(peer);
  return chain;
}

http::Middleware ClientIpFilter(const CidrSet& trusted, std::string proxy_secret) {
  return [&trusted, secret = std::move(proxy_secret)](http::Context& ctx,
                                                      http::Next next) -> http::Awaitable<http::Response> {
    static const CidrSet kNobody;
    auto& request = ctx.request();
    std::string_view forwarded;
    if (const auto it = request.find(kForwardedFor); it != request.end()) forwarded = it->value();
    const CidrSet* believed = &trusted;
    if (!secret.empty()) {
      const auto presented = request.find(kProxySecretHeader);
      const bool proven = presented != request.end() && auth::SharedSecretMatches(presented->value(), secret);
      if (!proven) believed = &kNobody;
      request.erase(kProxySecretHeader);
    }
    StateOf(ctx).client_ip = ResolveClientIp(ctx.remote_address(), forwarded, *believed);
    request.set(kForwardedFor, ForwardedForUpstream(ctx.remote_address(), forwarded, *believed));
    co_return co_await next(ctx);
  };
}

}  // namespace bookstore::gateway
