#include "bookstore/auth/base64url.h"

#include <sodium.h>

#include <cstring>

namespace bookstore::auth {
namespace {

constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

}  // namespace

std::string Base64UrlEncode(std::span<const unsigned char> bytes) {
  // ENCODED_LEN counts the terminating NUL that sodium_bin2base64 writes.
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  return Base64UrlEncode(
      std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t decoded = 0;
  // No ignore set and no end pointer: libsodium then fails on any character outside the alphabet, on
  // a length of 4n+1 and on non-zero leftover bits.
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &decoded, nullptr, kVariant) != 0) {
    return std::nullopt;
  }
  out.resize(decoded);
  return out;
}

bool Base64UrlDecodeExact(std::string_view text, std::span<unsigned char> out) {
  std::size_t decoded = 0;
  return sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &decoded, nullptr,
                           kVariant) == 0 &&
         decoded == out.size();
}

}  // namespace bookstore::auth
