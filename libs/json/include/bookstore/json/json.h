#pragma once
// JSON with exact numbers. Boost.JSON turns every non-integer into a double on parsing and prints doubles
// in exponent form ("1.25E1"); money (docs/design.md §2: a number with at most two decimals) needs neither.
// So:
// - Serialize prints doubles in the shortest fixed notation that reads back as the same double ("12.5"),
//   which for amounts made by money::ToJson is exactly their decimal text;
// - TopLevelNumberTexts reads the literal text of the numbers of a request body, for a value that must be
//   parsed exactly rather than through a double (catalog's price).

#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace bookstore::json {

// Compact JSON like boost::json::serialize, except for doubles (see above). NaN and infinities, which JSON
// cannot express, become null.
std::string Serialize(const boost::json::value& value);

// The same text appended to `out`, for callers that build a larger text (a log line, a page of books).
void AppendTo(const boost::json::value& value, std::string& out);

// `text` as a JSON string, quoted and escaped byte for byte as boost::json::serialize does (", \ and the
// control characters below U+0020; everything else, UTF-8 included, as it is), without a string of its
// own per call.
void AppendString(std::string_view text, std::string& out);

// For a JSON text whose top level is an object: member name -> the number's text as written, for each
// member whose value is a number (a later duplicate wins, as in boost::json::parse). Members of nested
// objects are not included. Returns an empty map for anything that is not valid JSON.
std::map<std::string, std::string, std::less<>> TopLevelNumberTexts(std::string_view json_text);

}  // namespace bookstore::json
