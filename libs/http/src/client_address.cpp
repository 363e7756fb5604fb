#include "bookstore/http/client_address.h"

#include <boost/system/error_code.hpp>
#include <charconv>
#include <cstdint>
#include <stdexcept>

namespace bookstore::http {
namespace ip = boost::asio::ip;

namespace {

std::string_view TrimSpaceAndTab(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// One range of TRUSTED_PROXIES: an address, or an address and a prefix length within its family.
void AddRange(std::string_view entry, std::vector<ip::network_v4>& v4, std::vector<ip::network_v6>& v6) {
  const auto slash = entry.find('/');
  const auto address = ParseIpAddress(entry.substr(0, slash));
  if (!address) throw std::invalid_argument("not an IP address or CIDR range: '" + std::string(entry) + "'");
  const int max_bits = address->is_v4() ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = entry.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || bits < 0 ||
        bits > max_bits) {
      throw std::invalid_argument("not an IP address or CIDR range: '" + std::string(entry) + "'");
    }
  }
  // canonical(): the host bits cleared, so that "10.1.2.3/8" means 10.0.0.0/8.
  if (address->is_v4()) {
    v4.push_back(ip::network_v4(address->to_v4(), static_cast<std::uint16_t>(bits)).canonical());
  } else {
    v6.push_back(ip::network_v6(address->to_v6(), static_cast<std::uint16_t>(bits)).canonical());
  }
}

// One X-Forwarded-For entry: "1.2.3.4", "1.2.3.4:5678", "::1" or "[::1]:80".
std::optional<ip::address> ParseForwardedEntry(std::string_view entry) {
  entry = TrimSpaceAndTab(entry);
  if (!entry.empty() && entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return ParseIpAddress(entry.substr(1, close - 1));
  }
  const auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    entry = entry.substr(0, colon);  // IPv4 with a port
  }
  return ParseIpAddress(entry);
}

}  // namespace

std::optional<ip::address> ParseIpAddress(std::string_view text) {
  // Asio would accept a zone id ("%eth0"); inet_pton (under make_address) refuses the rest.
  if (text.empty() || text.size() > 45 || text.find('%') != std::string_view::npos) return std::nullopt;
  boost::system::error_code ec;
  const auto address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::address(ip::make_address_v4(ip::v4_mapped, address.to_v6()));
  }
  return address;
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
  for (const auto& entry : entries) AddRange(entry, v4_, v6_);
}

bool TrustedProxies::Contains(const ip::address& address) const {
  if (address.is_v4()) {
    for (const auto& range : v4_) {
      if (ip::network_v4(address.to_v4(), range.prefix_length()).canonical() == range) return true;
    }
    return false;
  }
  for (const auto& range : v6_) {
    if (ip::network_v6(address.to_v6(), range.prefix_length()).canonical() == range) return true;
  }
  return false;
}

bool TrustedProxies::Contains(std::string_view address) const {
  if (Empty()) return false;
  const auto parsed = ParseIpAddress(address);
  return parsed && Contains(*parsed);
}

std::string ResolveClientAddress(std::string_view peer, std::string_view forwarded_for,
                                 const TrustedProxies& trusted) {
  if (forwarded_for.empty() || !trusted.Contains(peer)) return std::string(peer);
  std::string client(peer);
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (TrimSpaceAndTab(entry).empty()) continue;
    const auto address = ParseForwardedEntry(entry);
    if (!address) break;
    client = address->to_string();
    if (!trusted.Contains(*address)) break;
  }
  return client;
}

std::string ForwardedForUpstream(std::string_view peer, std::string_view forwarded_for,
                                 const TrustedProxies& trusted) {
  if (forwarded_for.empty() || !trusted.Contains(peer)) return std::string(peer);
  std::string chain;
  chain.reserve(forwarded_for.size() + 2 + peer.size());
  chain.append(forwarded_for).append(", ").append(peer);
  return chain;
}

}  // namespace bookstore::http
