#pragma once
// Who the client is behind proxies: TRUSTED_PROXIES and X-Forwarded-For, one rule for every component
// (the gateway's client_ip filter, web's session middleware).
//
// The peer address is the client unless the peer is a trusted proxy; then the client is taken from
// X-Forwarded-For. Each proxy appends the address it saw, so the header is read from the right: the first
// entry that is not itself a trusted proxy is the client (anything further left could have been written
// by the client). A malformed entry ends the walk: the last address that could be trusted stands in.

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::http {

// "10.0.0.1", "::1", "::ffff:10.0.0.1" (read as 10.0.0.1, so an IPv4 client on a dual-stack socket is the
// same address); nullopt for anything else: ports, zone ids ("fe80::1%eth0"), spaces, names.
std::optional<boost::asio::ip::address> ParseIpAddress(std::string_view text);

// IP addresses and CIDR ranges ("10.0.0.0/8", "fd00::/8", "192.168.1.10" = /32); empty contains nothing.
// An IPv4 range also holds the IPv4-mapped IPv6 form of its addresses.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Throws std::invalid_argument naming the first entry that is not an address or range (a range with
  // host bits set, "10.1.2.3/8", means 10.0.0.0/8).
  explicit TrustedProxies(const std::vector<std::string>& entries);

  [[nodiscard]] bool Contains(const boost::asio::ip::address& address) const;
  // False for text that is not an address; parses nothing when the set is empty (asked on every request).
  [[nodiscard]] bool Contains(std::string_view address) const;
  [[nodiscard]] bool Empty() const { return v4_.empty() && v6_.empty(); }

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

// The client address of a request from `peer` carrying `forwarded_for` (empty when absent).
std::string ResolveClientAddress(std::string_view peer, std::string_view forwarded_for,
                                 const TrustedProxies& trusted);

// The X-Forwarded-For value to send upstream: the chain is kept only when the peer is trusted, and the
// peer is appended.
std::string ForwardedForUpstream(std::string_view peer, std::string_view forwarded_for,
                                 const TrustedProxies& trusted);

}  // namespace bookstore::http
