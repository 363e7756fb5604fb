#include "bookstore/auth/email.h"

#include "bookstore/text/utf8.h"

namespace bookstore::auth {
std::variant<EmailKey, EmailProblem> ParseEmailKey(std::string_view typed) {
  const std::string_view trimmed = text::Trim(typed, " ");
  // The input is JSON text, so valid UTF-8.
  if (text::HasControlCharacter(trimmed)) return EmailProblem{"email must not contain control characters"};
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
