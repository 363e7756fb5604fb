#pragma once
// IP addresses and CIDR ranges (TRUSTED_PROXIES), without Asio: parsing and matching are pure and cheap.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::gateway {

// An IPv4 or IPv6 address as 16 bytes; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d), so that
// "10.0.0.1" and "::ffff:10.0.0.1" are the same address.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;

  // "10.0.0.1", "::1", "::ffff:10.0.0.1"; nullopt for anything else (no ports, no zone ids, no spaces).
  static std::optional<IpAddress> Parse(std::string_view text);
  [[nodiscard]] std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

// One range: "10.0.0.0/8", "fd00::/8", or a single address ("192.168.1.10" = /32, "::1" = /128).
struct CidrRange {
  IpAddress network;    // with the host bits cleared
  int prefix_bits = 0;  // counted on the 128-bit form (an IPv4 /8 is stored as /104)

  // nullopt when malformed (bad address, prefix out of range, host bits of an IPv4 range...).
  static std::optional<CidrRange> Parse(std::string_view text);
  [[nodiscard]] bool Contains(const IpAddress& address) const;
};

// A list of ranges; empty contains nothing.
class CidrSet {
 public:
  CidrSet() = default;
  // Throws std::invalid_argument naming the first malformed entry.
  static CidrSet Parse(const std::vector<std::string>& entries);

  [[nodiscard]] bool Contains(const IpAddress& address) const;
  // False for text that is not an address.
  [[nodiscard]] bool Contains(std::string_view address) const;
  [[nodiscard]] bool Empty() const { return ranges_.empty(); }

 private:
  std::vector<CidrRange> ranges_;
};

}  // namespace bookstore::gateway
