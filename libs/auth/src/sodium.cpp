#include "bookstore/auth/sodium.h"

#include <sodium.h>

#include <stdexcept>
#include <vector>

#include "bookstore/auth/base64url.h"

namespace bookstore::auth {
namespace {

bool StartSodium() {
  // Before sodium_init, as libsodium requires (bookstore/auth/sodium.h says why this generator).
  randombytes_set_implementation(&randombytes_internal_implementation);
  return sodium_init() >= 0;
}

}  // namespace

void EnsureSodium() {
  // A function-local static runs it exactly once, thread-safely.
  static const bool started = StartSodium();
  if (!started) {
    throw std::runtime_error("libsodium failed to initialise");
  }
}

std::string RandomToken(std::size_t bytes) {
  EnsureSodium();
  std::vector<unsigned char> random(bytes);
  randombytes_buf(random.data(), random.size());
  return Base64UrlEncode(random);
}

}  // namespace bookstore::auth
