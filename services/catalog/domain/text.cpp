#include "domain/text.h"

#include "bookstore/service/validation_error.h"
#include "bookstore/text/utf8.h"

namespace bookstore::catalog {

void RequireText(std::string_view field, std::string_view text, std::size_t min_chars,
                 std::size_t max_chars) {
  const std::string name(field);
  if (!text::IsValidUtf8(text)) {
    throw ValidationError(name, name + " must be valid UTF-8");
  }
  if (text.find('\0') != std::string_view::npos) {
    throw ValidationError(name, name + " must not contain NUL");
  }
  const std::size_t chars = text::CountCharacters(text);
  if (chars < min_chars) {
    throw ValidationError(
        name, min_chars == 1 ? name + " must not be empty"
                             : name + " must have at least " + std::to_string(min_chars) + " characters");
  }
  if (chars > max_chars) {
    throw ValidationError(name, name + " must have at most " + std::to_string(max_chars) + " characters");
  }
}

}  // namespace bookstore::catalog
