#pragma once
// libsodium, started once for the whole process, and the random values made with it.
//
// Random bytes come from libsodium's internal generator (ChaCha20 keyed from the kernel's getrandom and
// re-keyed after every call, re-seeded after a fork) rather than a getrandom system call per value: the
// web store asks for a fresh token on every cart view, and system calls are dear on virtual machines.

#include <cstddef>
#include <string>

namespace bookstore::auth {

// Chooses the generator and runs sodium_init, once, thread-safely; later calls cost a load. Throws
// std::runtime_error when libsodium cannot start (no usable random source). Every user of libsodium in
// the project calls it first.
void EnsureSodium();

// `bytes` random bytes, base64url without padding (16 bytes: 22 characters; 32: 43).
std::string RandomToken(std::size_t bytes = 32);

}  // namespace bookstore::auth
