#include <sodium.h>

#include <stdexcept>

#include "sodium_init.h"

namespace bookstore::auth::detail {

void EnsureSodium() {
  // A function-local static runs sodium_init exactly once, thread-safely; later calls cost a load.
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) {
    throw std::runtime_error("libsodium failed to initialise");
  }
}

}  // namespace bookstore::auth::detail
