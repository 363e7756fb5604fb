#pragma once
// The one rule that turns an email as typed into the key of its account, shared by auth (uniqueness,
// lookups, its own per-account login limit) and the gateway (its per-account login buckets). Both sides
// must agree byte for byte: when they did not (the gateway trimmed space and tab, auth also CR, LF, FF
// and VT), "victim@example.com\n" reached auth with a fresh gateway bucket and unlimited guesses.
//
// - Surrounding spaces (U+0020 only) are removed; what remains is the email "as typed", shown back.
// - A control character anywhere (C0 including tab, CR and LF; DEL; C1) makes the email invalid: 400,
//   never a different key for the same account.
// - At most 254 bytes remain (RFC 5321's path limit); longer is invalid.
// - The key is that text with ASCII letters lowercased. Nothing else is folded: the database compares
//   keys byte for byte (utf8mb4_bin; its PAD SPACE cannot matter since no key ends in a space).

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace bookstore::auth {

inline constexpr std::size_t kMaxEmailBytes = 254;

struct EmailKey {
  std::string as_typed;  // surrounding spaces removed
  std::string key;       // as_typed with ASCII letters lowercased
};

// Why a typed email can be no account's key; the message is the detail of a 400 problem.
struct EmailProblem {
  std::string message;
};

std::variant<EmailKey, EmailProblem> ParseEmailKey(std::string_view typed);

}  // namespace bookstore::auth
