#include "bookstore/auth/base64url.h"

#include <array>
#include <cstdint>

namespace bookstore::auth {
namespace {

// Table-driven rather than libsodium's constant-time coder: what is encoded here is public (tokens, sealed
// cookies, public keys), and libsodium's decoder was 4% of a web page's CPU (opening the session cookie).
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xff;  // any value with one of the two top bits set would do

constexpr std::array<std::uint8_t, 256> MakeDecodeTable() {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}

constexpr std::array<std::uint8_t, 256> kDecode = MakeDecodeTable();

std::size_t DecodedSize(std::size_t chars) { return chars / 4 * 3 + (chars % 4 == 0 ? 0 : chars % 4 - 1); }

// Decodes `text` into `out` (DecodedSize(text.size()) bytes); false when it is not strict base64url.
bool DecodeInto(std::string_view text, unsigned char* out) {
  if (text.size() % 4 == 1) return false;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t whole = text.size() / 4 * 4;
  for (std::size_t i = 0; i < whole; i += 4) {
    const std::uint32_t a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]],
                        d = kDecode[in[i + 3]];
    if (((a | b | c | d) & 0xc0U) != 0) return false;  // kInvalid has those bits, no sextet does
    const std::uint32_t bits = a << 18U | b << 12U | c << 6U | d;
    *out++ = static_cast<unsigned char>(bits >> 16U);
    *out++ = static_cast<unsigned char>(bits >> 8U);
    *out++ = static_cast<unsigned char>(bits);
  }
  const std::size_t rest = text.size() - whole;
  if (rest == 0) return true;
  const std::uint32_t a = kDecode[in[whole]], b = kDecode[in[whole + 1]];
  const std::uint32_t c = rest == 3 ? kDecode[in[whole + 2]] : 0;
  if (((a | b | c) & 0xc0U) != 0) return false;
  const std::uint32_t bits = a << 18U | b << 12U | c << 6U;
  // The unused low bits of the last character must be zero: one spelling per byte string.
  if ((rest == 2 ? bits & 0xffffU : bits & 0xffU) != 0) return false;
  *out++ = static_cast<unsigned char>(bits >> 16U);
  if (rest == 3) *out = static_cast<unsigned char>(bits >> 8U);
  return true;
}

}  // namespace

std::string Base64UrlEncode(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t bits =
        std::uint32_t{bytes[i]} << 16U | std::uint32_t{bytes[i + 1]} << 8U | bytes[i + 2];
    out += kAlphabet[bits >> 18U];
    out += kAlphabet[(bits >> 12U) & 0x3fU];
    out += kAlphabet[(bits >> 6U) & 0x3fU];
    out += kAlphabet[bits & 0x3fU];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const std::uint32_t bits =
        std::uint32_t{bytes[i]} << 16U | (rest == 2 ? std::uint32_t{bytes[i + 1]} << 8U : 0U);
    out += kAlphabet[bits >> 18U];
    out += kAlphabet[(bits >> 12U) & 0x3fU];
    if (rest == 2) out += kAlphabet[(bits >> 6U) & 0x3fU];
  }
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  return Base64UrlEncode(
      std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out(DecodedSize(text.size()), '\0');
  if (!DecodeInto(text, reinterpret_cast<unsigned char*>(out.data()))) return std::nullopt;
  return out;
}

bool Base64UrlDecodeExact(std::string_view text, std::span<unsigned char> out) {
  return DecodedSize(text.size()) == out.size() && DecodeInto(text, out.data());  // DecodeInto refuses 4n+1
}

}  // namespace bookstore::auth
