#include "bookstore/json/json.h"

#include <array>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace bookstore::json {
namespace {

using boost::system::error_code;

// A basic_parser handler that records only what TopLevelNumberTexts needs. Boost.JSON fixes the names of
// its members.
// NOLINTBEGIN(readability-identifier-naming)
class NumberTextHandler {
 public:
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();

  std::map<std::string, std::string, std::less<>> numbers;  // the result

  bool on_document_begin(error_code& /*ec*/) { return true; }
  bool on_document_end(error_code& /*ec*/) { return true; }
  bool on_object_begin(error_code& /*ec*/) { return Enter(); }
  bool on_object_end(std::size_t /*n*/, error_code& /*ec*/) { return Leave(); }
  bool on_array_begin(error_code& /*ec*/) { return Enter(); }
  bool on_array_end(std::size_t /*n*/, error_code& /*ec*/) { return Leave(); }
  bool on_key_part(std::string_view s, std::size_t /*n*/, error_code& /*ec*/) {
    if (depth_ == 1) {
      key_.append(s);
    }
    return true;
  }
  bool on_key(std::string_view s, std::size_t /*n*/, error_code& /*ec*/) {
    if (depth_ == 1) {
      key_.append(s);
      current_key_ = std::move(key_);
      key_.clear();
    }
    return true;
  }
  bool on_string_part(std::string_view /*s*/, std::size_t /*n*/, error_code& /*ec*/) { return true; }
  bool on_string(std::string_view /*s*/, std::size_t /*n*/, error_code& /*ec*/) { return true; }
  bool on_number_part(std::string_view s, error_code& /*ec*/) {
    number_.append(s);
    return true;
  }
  bool on_int64(std::int64_t /*i*/, std::string_view s, error_code& /*ec*/) { return Number(s); }
  bool on_uint64(std::uint64_t /*u*/, std::string_view s, error_code& /*ec*/) { return Number(s); }
  bool on_double(double /*d*/, std::string_view s, error_code& /*ec*/) { return Number(s); }
  bool on_bool(bool /*b*/, error_code& /*ec*/) { return true; }
  bool on_null(error_code& /*ec*/) { return true; }
  bool on_comment_part(std::string_view /*s*/, error_code& /*ec*/) { return true; }
  bool on_comment(std::string_view /*s*/, error_code& /*ec*/) { return true; }

 private:
  bool Enter() {
    ++depth_;
    return true;
  }
  bool Leave() {
    --depth_;
    return true;
  }
  bool Number(std::string_view last_part) {
    number_.append(last_part);
    if (depth_ == 1) {
      numbers[current_key_] = number_;
    }
    number_.clear();
    return true;
  }

  int depth_ = 0;
  std::string key_;
  std::string current_key_;
  std::string number_;
};
// NOLINTEND(readability-identifier-naming)

// Integers are written here rather than by boost::json::serialize only to save a string per number; the
// text is the same.
template <typename Integer>
void AppendInteger(Integer number, std::string& out) {
  std::array<char, 24> buffer{};  // 20 digits and a sign at most
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
  out.append(buffer.data(), result.ptr);
}

void AppendDouble(double number, std::string& out) {
  if (!std::isfinite(number)) {
    out += "null";
    return;
  }
  // Without a precision, to_chars writes the shortest text that reads back as the same double; fixed
  // keeps it out of exponent form. The longest such text (a subnormal) is about 330 characters.
  std::array<char, 400> buffer{};
  const auto result =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), number, std::chars_format::fixed);
  out.append(buffer.data(), result.ptr);
}

void Append(const boost::json::value& value, std::string& out);

// Boost.JSON's escapes (boost/json/impl/serializer.ipp): the short ones, else \u00XX in lowercase hex.
char ShortEscape(unsigned char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '\b':
      return 'b';
    case '\t':
      return 't';
    case '\n':
      return 'n';
    case '\f':
      return 'f';
    case '\r':
      return 'r';
    default:
      return 0;
  }
}

void AppendObject(const boost::json::object& object, std::string& out) {
  out += '{';
  for (auto member = object.begin(); member != object.end(); ++member) {
    if (member != object.begin()) {
      out += ',';
    }
    AppendString(member->key(), out);
    out += ':';
    Append(member->value(), out);
  }
  out += '}';
}

void AppendArray(const boost::json::array& array, std::string& out) {
  out += '[';
  for (auto element = array.begin(); element != array.end(); ++element) {
    if (element != array.begin()) {
      out += ',';
    }
    Append(*element, out);
  }
  out += ']';
}

void Append(const boost::json::value& value, std::string& out) {
  switch (value.kind()) {
    case boost::json::kind::object:
      AppendObject(value.get_object(), out);
      return;
    case boost::json::kind::array:
      AppendArray(value.get_array(), out);
      return;
    case boost::json::kind::string:
      AppendString(value.get_string(), out);
      return;
    case boost::json::kind::int64:
      AppendInteger(value.get_int64(), out);
      return;
    case boost::json::kind::uint64:
      AppendInteger(value.get_uint64(), out);
      return;
    case boost::json::kind::double_:
      AppendDouble(value.get_double(), out);
      return;
    case boost::json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::null:
      out += "null";
      return;
  }
}

}  // namespace

std::string Serialize(const boost::json::value& value) {
  std::string out;
  Append(value, out);
  return out;
}

void AppendTo(const boost::json::value& value, std::string& out) { Append(value, out); }

void AppendString(std::string_view text, std::string& out) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, plain, i - plain);
    plain = i + 1;
    out += '\\';
    if (const char escape = ShortEscape(c); escape != 0) {
      out += escape;
    } else {
      out += "u00";
      out += kHex[c >> 4U];
      out += kHex[c & 0xFU];
    }
  }
  out.append(text, plain, text.size() - plain);
  out += '"';
}

std::map<std::string, std::string, std::less<>> TopLevelNumberTexts(std::string_view json_text) {
  boost::json::basic_parser<NumberTextHandler> parser{boost::json::parse_options{}};
  error_code ec;
  const std::size_t consumed = parser.write_some(false, json_text.data(), json_text.size(), ec);
  if (ec || consumed != json_text.size()) {
    return {};  // not JSON, or JSON followed by more text (which boost::json::parse refuses too)
  }
  return std::move(parser.handler().numbers);
}

}  // namespace bookstore::json
