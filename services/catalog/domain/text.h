#pragma once
// Text rules shared by books and search parameters: valid UTF-8, no NUL, length in characters (code
// points, as MariaDB's VARCHAR counts them).

#include <cstddef>
#include <string>
#include <string_view>

namespace bookstore::catalog {

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view text);

// Code points in valid UTF-8.
std::size_t CountCharacters(std::string_view utf8);

// Without leading and trailing ASCII whitespace (space, tab, CR, LF, FF, VT).
std::string_view TrimSpaces(std::string_view text);

// Checks text for `field`: valid UTF-8 without NUL, and between min_chars and max_chars characters.
// Throws ValidationError naming the field.
void RequireText(std::string_view field, std::string_view text, std::size_t min_chars, std::size_t max_chars);

}  // namespace bookstore::catalog
