#pragma once
// libsodium must be initialised once before use; every entry point of this library calls this.

namespace bookstore::auth::detail {

// Throws std::runtime_error if libsodium cannot initialise (no usable random source).
void EnsureSodium();

}  // namespace bookstore::auth::detail
