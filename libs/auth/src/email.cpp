#include "bookstore/auth/email.h"

namespace bookstore::auth {
namespace {

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F, encoded in UTF-8 as C2 80 to C2 9F). The input
// is valid UTF-8 (JSON text), so a C2 byte always starts a two-byte sequence.
bool HasControlCharacter(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) return true;
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

}  // namespace

std::variant<EmailKey, EmailProblem> ParseEmailKey(std::string_view typed) {
  const std::string_view trimmed = TrimSpaces(typed);
  if (HasControlCharacter(trimmed)) return EmailProblem{"email must not contain control characters"};
  if (trimmed.size() > kMaxEmailBytes) {
    return EmailProblem{"email must be at most " + std::to_string(kMaxEmailBytes) + " characters"};
  }
  EmailKey email{std::string(trimmed), std::string(trimmed)};
  for (char& c : email.key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return email;
}

}  // namespace bookstore::auth
