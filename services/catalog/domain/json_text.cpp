#include "domain/json_text.h"

#include <array>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace bookstore::catalog {
namespace {

namespace json = boost::json;
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

void Write(const json::value& value, std::string& out);

void WriteDouble(double d, std::string& out) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  std::array<char, 400> buffer{};  // the longest fixed form of a double is about 330 characters
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), d, std::chars_format::fixed);
  if (ec != std::errc()) {
    out += "null";
    return;
  }
  out.append(buffer.data(), end);
}

void Write(const json::value& value, std::string& out) {
  switch (value.kind()) {
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : value.get_object()) {
        if (!first) {
          out += ',';
        }
        first = false;
        out += json::serialize(member.key());
        out += ':';
        Write(member.value(), out);
      }
      out += '}';
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) {
          out += ',';
        }
        first = false;
        Write(element, out);
      }
      out += ']';
      return;
    }
    case json::kind::double_:
      WriteDouble(value.get_double(), out);
      return;
    default:
      out += json::serialize(value);  // strings, integers, booleans, null
      return;
  }
}

}  // namespace

std::map<std::string, std::string, std::less<>> TopLevelNumberTexts(std::string_view json_text) {
  json::basic_parser<NumberTextHandler> parser{json::parse_options{}};
  error_code ec;
  parser.write_some(false, json_text.data(), json_text.size(), ec);
  if (ec) {
    return {};
  }
  return std::move(parser.handler().numbers);
}

std::string SerializeJson(const json::value& value) {
  std::string out;
  Write(value, out);
  return out;
}

}  // namespace bookstore::catalog
