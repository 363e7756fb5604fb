#pragma once
// Reading the credentials of a request.

#include <optional>
#include <string_view>

namespace bookstore::auth {

// The token of an `Authorization: Bearer <token>` header value (RFC 6750 §2.1): the scheme is
// case-insensitive, followed by spaces and exactly one token of the b64token alphabet. nullopt for any
// other scheme, no token, several tokens or foreign characters. The view points into header_value.
std::optional<std::string_view> ExtractBearerToken(std::string_view header_value);

}  // namespace bookstore::auth
