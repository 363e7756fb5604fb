#pragma once
// base64url without padding (RFC 4648 §5), the encoding of JWS segments and JWK members.
//
// Decoding is strict: no padding, no whitespace, nothing outside the alphabet, and the unused bits of
// the last character must be zero. Every byte string therefore has exactly one accepted encoding, so a
// token cannot be altered into a different string that still verifies.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bookstore::auth {

std::string Base64UrlEncode(std::span<const unsigned char> bytes);
std::string Base64UrlEncode(std::string_view bytes);

// nullopt when text is not strict base64url.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Decodes into exactly out.size() bytes; false (out unspecified) when text is not strict base64url or
// decodes to a different length.
bool Base64UrlDecodeExact(std::string_view text, std::span<unsigned char> out);

}  // namespace bookstore::auth
