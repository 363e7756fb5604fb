#pragma once
// UTF-8 as BookStore accepts it (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF),
// lengths in characters (code points, as MariaDB's VARCHAR counts them), and the control characters and
// whitespace that the services refuse or trim. One copy for auth, catalog and the shared libraries.

#include <cstddef>
#include <optional>
#include <string_view>

namespace bookstore::text {

// Decodes the sequence at text[i]: its length in bytes (1-4) with the code point stored, or 0 when it is
// not well-formed UTF-8 (also when it runs past the end).
std::size_t DecodeUtf8(std::string_view text, std::size_t i, char32_t& code_point);

bool IsValidUtf8(std::string_view text);

// Code points, or nullopt when the text is not valid UTF-8.
std::optional<std::size_t> CountCodePoints(std::string_view text);

// Code points of text known to be valid UTF-8 (counts the bytes that start a character).
std::size_t CountCharacters(std::string_view valid_utf8);

// The first max_chars characters of text known to be valid UTF-8 (never cuts a character).
std::string_view ClampCharacters(std::string_view valid_utf8, std::size_t max_chars);

// C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F).
constexpr bool IsControl(char32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
}

// Whether text (valid UTF-8) holds a control character.
bool HasControlCharacter(std::string_view valid_utf8);

// ASCII whitespace (std::isspace in the "C" locale), and HTTP's optional whitespace (RFC 9110 §5.6.3),
// which is only space and tab.
inline constexpr std::string_view kAsciiWhitespace = " \t\r\n\f\v";
inline constexpr std::string_view kHttpWhitespace = " \t";

// Without leading and trailing `characters`; callers name the set, because formats disagree on what
// counts as space.
std::string_view Trim(std::string_view text, std::string_view characters);

// Without leading and trailing ASCII whitespace.
inline std::string_view TrimAsciiWhitespace(std::string_view text) { return Trim(text, kAsciiWhitespace); }

}  // namespace bookstore::text
