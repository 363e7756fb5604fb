#include "domain/json_text.h"

#include <array>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>

namespace bookstore::orders {
namespace {

namespace json = boost::json;

void AppendDouble(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  std::array<char, 400> buffer{};  // enough for any double in fixed notation
  const auto result =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed);
  out.append(buffer.data(), result.ptr);
}

void Append(std::string& out, const json::value& value) {
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
        Append(out, member.value());
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
        Append(out, element);
      }
      out += ']';
      return;
    }
    case json::kind::double_:
      AppendDouble(out, value.get_double());
      return;
    default:
      out += json::serialize(value);
      return;
  }
}

}  // namespace

std::string SerializeJson(const json::value& value) {
  std::string out;
  Append(out, value);
  return out;
}

}  // namespace bookstore::orders
