#include "filters/client_ip/cidr.h"

#include <arpa/inet.h>

#include <charconv>
#include <stdexcept>

namespace bookstore::gateway {
namespace {

constexpr int kV4MappedPrefixBits = 96;

// inet_pton needs a NUL-terminated string; addresses are short, so a stack buffer does.
bool CopyToBuffer(std::string_view text, std::array<char, INET6_ADDRSTRLEN + 1>& buffer) {
  if (text.empty() || text.size() >= buffer.size()) return false;
  text.copy(buffer.data(), text.size());
  buffer.at(text.size()) = '\0';
  return true;
}

bool IsV4Mapped(const std::array<std::uint8_t, 16>& bytes) {
  for (std::size_t i = 0; i < 10; ++i) {
    if (bytes.at(i) != 0) return false;
  }
  return bytes.at(10) == 0xFF && bytes.at(11) == 0xFF;
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  std::array<char, INET6_ADDRSTRLEN + 1> buffer{};
  if (!CopyToBuffer(text, buffer)) return std::nullopt;
  IpAddress address;
  if (text.find(':') == std::string_view::npos) {
    std::array<std::uint8_t, 4> v4{};
    if (inet_pton(AF_INET, buffer.data(), v4.data()) != 1) return std::nullopt;
    address.bytes.at(10) = 0xFF;
    address.bytes.at(11) = 0xFF;
    for (std::size_t i = 0; i < 4; ++i) address.bytes.at(12 + i) = v4.at(i);
    address.v4 = true;
    return address;
  }
  if (inet_pton(AF_INET6, buffer.data(), address.bytes.data()) != 1) return std::nullopt;
  address.v4 = IsV4Mapped(address.bytes);
  return address;
}

std::string IpAddress::ToString() const {
  std::array<char, INET6_ADDRSTRLEN> buffer{};
  const char* text = v4 ? inet_ntop(AF_INET, &bytes.at(12), buffer.data(), buffer.size())
                        : inet_ntop(AF_INET6, bytes.data(), buffer.data(), buffer.size());
  return text != nullptr ? std::string(text) : std::string();
}

std::optional<CidrRange> CidrRange::Parse(std::string_view text) {
  const auto slash = text.find('/');
  auto network = IpAddress::Parse(text.substr(0, slash));
  if (!network) return std::nullopt;
  const int max_bits = network->v4 ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || bits < 0 ||
        bits > max_bits) {
      return std::nullopt;
    }
  }
  CidrRange range;
  range.prefix_bits = network->v4 ? bits + kV4MappedPrefixBits : bits;
  range.network = *network;
  // Clear the host bits, so that "10.1.2.3/8" means 10.0.0.0/8.
  for (int bit = range.prefix_bits; bit < 128; ++bit) {
    auto& byte = range.network.bytes.at(static_cast<std::size_t>(bit / 8));
    byte = static_cast<std::uint8_t>(byte & ~(0x80U >> static_cast<unsigned>(bit % 8)));
  }
  return range;
}

bool CidrRange::Contains(const IpAddress& address) const {
  const auto whole_bytes = static_cast<std::size_t>(prefix_bits / 8);
  for (std::size_t i = 0; i < whole_bytes; ++i) {
    if (address.bytes.at(i) != network.bytes.at(i)) return false;
  }
  const int rest = prefix_bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFFU << static_cast<unsigned>(8 - rest));
  return (address.bytes.at(whole_bytes) & mask) == network.bytes.at(whole_bytes);
}

CidrSet CidrSet::Parse(const std::vector<std::string>& entries) {
  CidrSet set;
  for (const auto& entry : entries) {
    auto range = CidrRange::Parse(entry);
    if (!range) throw std::invalid_argument("not an IP address or CIDR range: '" + entry + "'");
    set.ranges_.push_back(*range);
  }
  return set;
}

bool CidrSet::Contains(const IpAddress& address) const {
  for (const auto& range : ranges_) {
    if (range.Contains(address)) return true;
  }
  return false;
}

bool CidrSet::Contains(std::string_view address) const {
  if (ranges_.empty()) return false;
  const auto parsed = IpAddress::Parse(address);
  return parsed && Contains(*parsed);
}

}  // namespace bookstore::gateway
