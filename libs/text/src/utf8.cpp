#include "bookstore/text/utf8.h"

#include <cstdint>

namespace bookstore::text {
namespace {

bool StartsCharacter(char byte) { return (static_cast<std::uint8_t>(byte) & 0xC0) != 0x80; }

}  // namespace

std::size_t DecodeUtf8(std::string_view text, std::size_t i, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  std::size_t length = 0;
  char32_t value = 0;
  char32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07;
    min = 0x10000;
  } else {
    return 0;  // a continuation byte without a lead, or 0xF8..0xFF
  }
  if (text.size() - i < length) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  if (value < min || value > 0x10FFFF) return 0;     // overlong or out of range
  if (value >= 0xD800 && value <= 0xDFFF) return 0;  // a UTF-16 surrogate
  code_point = value;
  return length;
}

std::optional<std::size_t> CountCodePoints(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    char32_t code_point = 0;
    const std::size_t length = DecodeUtf8(text, i, code_point);
    if (length == 0) return std::nullopt;
    i += length;
  }
  return count;
}

bool IsValidUtf8(std::string_view text) { return CountCodePoints(text).has_value(); }

std::size_t CountCharacters(std::string_view valid_utf8) {
  std::size_t count = 0;
  for (const char byte : valid_utf8) count += StartsCharacter(byte) ? 1 : 0;
  return count;
}

std::string_view ClampCharacters(std::string_view valid_utf8, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < valid_utf8.size(); ++i) {
    if (StartsCharacter(valid_utf8[i]) && chars++ == max_chars) return valid_utf8.substr(0, i);
  }
  return valid_utf8;
}

bool HasControlCharacter(std::string_view valid_utf8) {
  for (std::size_t i = 0; i < valid_utf8.size();) {
    char32_t code_point = 0;
    const std::size_t length = DecodeUtf8(valid_utf8, i, code_point);
    if (length == 0) return false;  // not valid UTF-8: not this function's question
    if (IsControl(code_point)) return true;
    i += length;
  }
  return false;
}

std::string_view Trim(std::string_view text, std::string_view characters) {
  const std::size_t begin = text.find_first_not_of(characters);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(characters) - begin + 1);
}

}  // namespace bookstore::text
