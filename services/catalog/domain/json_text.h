#pragma once
// JSON with exact numbers. Boost.JSON turns every non-integer into a double on parsing and prints
// doubles in exponent form ("1.25E1"); money needs neither. So:
// - TopLevelNumberTexts reads the literal text of the numbers of a request body (the price is parsed
//   from it, see money.h);
// - SerializeJson prints doubles in the shortest fixed notation that reads back as the same double
//   ("12.5"), which for amounts made by CentsToJsonNumber is exactly their decimal text.

#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <string_view>

namespace bookstore::catalog {

// For a JSON text whose top level is an object: member name -> the number's text as written, for each
// member whose value is a number (a later duplicate wins, as in boost::json::parse). Members of nested
// objects are not included. Returns an empty map for anything that is not valid JSON.
std::map<std::string, std::string, std::less<>> TopLevelNumberTexts(std::string_view json_text);

// Compact JSON like boost::json::serialize, except for doubles (see above; NaN and infinities, which
// JSON cannot express, become null).
std::string SerializeJson(const boost::json::value& value);

}  // namespace bookstore::catalog
