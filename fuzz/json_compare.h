#pragma once
// SameJson(a, b): whether JSON read back after json::Serialize is the value that was written. Boost.JSON
// 1.81 reads a number with more significant digits than a double holds, or a large exponent, to within
// one unit in the last place rather than exactly, so a double written exactly (json::Serialize prints the
// shortest text that a correct reader reads back) may come back a unit or two away; and a whole double is
// written without a fraction ("12"), so it comes back as an integer; an infinity (Boost.JSON reads 1e400
// as one) is written as null. These are allowed here, nothing else.

#include <boost/json/value.hpp>
#include <cmath>

inline bool SameJson(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() && !std::isfinite(a.get_double())) return b.is_null();  // "1e400" reads as infinity
  if (a.is_number() && b.is_number() && (a.is_double() || b.is_double())) {
    double x = a.to_number<double>();
    const double y = b.to_number<double>();
    for (int step = 0; step < 2 && x != y; ++step) x = std::nextafter(x, y);
    return x == y;
  }
  if (a.kind() != b.kind()) return false;
  if (const auto* object = a.if_object()) {
    const auto& other = b.get_object();
    if (object->size() != other.size()) return false;
    for (const auto& member : *object) {
      const auto* found = other.if_contains(member.key());
      if (found == nullptr || !SameJson(member.value(), *found)) return false;
    }
    return true;
  }
  if (const auto* array = a.if_array()) {
    const auto& other = b.get_array();
    if (array->size() != other.size()) return false;
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (!SameJson((*array)[i], other[i])) return false;
    }
    return true;
  }
  return a == b;
}
