#include "domain/text.h"

#include <cstdint>

#include "domain/validation_error.h"

namespace bookstore::catalog {

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    std::uint32_t min_code_point = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
      min_code_point = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
      min_code_point = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
      min_code_point = 0x10000;
    } else {
      return false;  // a continuation byte without a lead, or 0xF8..0xFF
    }
    if (n - i < length) {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<std::uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        return false;
      }
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if (code_point < min_code_point) {
      return false;  // overlong
    }
    if (code_point >= 0xD800 && code_point <= 0xDFFF) {
      return false;  // surrogate
    }
    if (code_point > 0x10FFFF) {
      return false;
    }
    i += length;
  }
  return true;
}

std::size_t CountCharacters(std::string_view utf8) {
  std::size_t count = 0;
  for (char ch : utf8) {
    if ((static_cast<std::uint8_t>(ch) & 0xC0) != 0x80) {
      ++count;
    }
  }
  return count;
}

std::string_view TrimSpaces(std::string_view text) {
  constexpr std::string_view kSpaces = " \t\r\n\f\v";
  const std::size_t begin = text.find_first_not_of(kSpaces);
  if (begin == std::string_view::npos) {
    return {};
  }
  const std::size_t end = text.find_last_not_of(kSpaces);
  return text.substr(begin, end - begin + 1);
}

void RequireText(std::string_view field, std::string_view text, std::size_t min_chars,
                 std::size_t max_chars) {
  const std::string name(field);
  if (!IsValidUtf8(text)) {
    throw ValidationError(name, name + " must be valid UTF-8");
  }
  if (text.find('\0') != std::string_view::npos) {
    throw ValidationError(name, name + " must not contain NUL");
  }
  const std::size_t chars = CountCharacters(text);
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
