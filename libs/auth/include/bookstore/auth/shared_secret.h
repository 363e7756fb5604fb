#pragma once
// Comparing a presented secret with the configured one without telling an attacker, through the time
// it takes, how much of it was right (nor its length: both sides are hashed first).

#include <string_view>

namespace bookstore::auth {

// True when `presented` equals `expected`; an empty `expected` matches nothing.
bool SharedSecretMatches(std::string_view presented, std::string_view expected);

}  // namespace bookstore::auth
