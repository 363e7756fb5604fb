#pragma once
// Text rules shared by books and search parameters: valid UTF-8, no NUL, length in characters (code
// points, as MariaDB's VARCHAR counts them). UTF-8 itself: bookstore/text/utf8.h.

#include <cstddef>
#include <string>
#include <string_view>

namespace bookstore::catalog {

// Checks text for `field`: valid UTF-8 without NUL, and between min_chars and max_chars characters.
// Throws ValidationError naming the field.
void RequireText(std::string_view field, std::string_view text, std::size_t min_chars, std::size_t max_chars);

}  // namespace bookstore::catalog
