#pragma once
// JSON Web Key Sets (RFC 7517) for Ed25519 keys (RFC 8037): auth serves its public keys at
// /.well-known/jwks.json; the gateway and the services fetch them into a PublicKeySet.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/auth/keys.h"

namespace bookstore::auth {

inline constexpr std::size_t kMaxJwksBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxJwksKeys = 100;

// {"keys":[{"kty":"OKP","crv":"Ed25519","x":"...","kid":"...","alg":"EdDSA","use":"sig"}, ...]}
std::string BuildJwks(const PublicKeySet& keys);
std::string BuildJwks(const SigningKeys& keys);

// The document as a whole is unusable: not JSON, no "keys" array, too large, a kid twice, or no
// usable Ed25519 key at all. A fetcher keeps the keys it had and retries later.
class JwksError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ParsedJwks {
  PublicKeySet keys;
  // One line per entry left out (not OKP/Ed25519, alg not EdDSA, use not sig, bad x or kid), for logs.
  std::vector<std::string> skipped;
};

// Throws JwksError.
ParsedJwks ParseJwks(std::string_view document);

}  // namespace bookstore::auth
