#include "bookstore/auth/email.h"

#include "bookstore/text/utf8.h"

namespace bookstore::auth {
namespace {

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

std::variant<EmailKey, EmailProblem> ParseEmailKey(std::string_view typed) {
  const std::string_view trimmed = TrimSpaces(typed);
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
