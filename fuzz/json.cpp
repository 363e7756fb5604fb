// libs/json: JSON with exact numbers. The input is a JSON text as a client or a peer would send it.
//
// Invariants:
// - json::Serialize writes JSON that Boost.JSON reads back as the same value (up to what json_compare.h
//   allows for doubles: Boost.JSON 1.81 reads long numbers to within an ulp);
// - TopLevelNumberTexts gives, for every top-level member of an object whose value is a number, the
//   number's own text, which reads as the value boost::json::parse produced for it (to the unit in the
//   last place Boost.JSON 1.81's reader may be off by); for a text boost::json::parse refuses, nothing.

#include "bookstore/json/json.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "json_compare.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(text, ec);
  const auto numbers = bookstore::json::TopLevelNumberTexts(text);
  if (ec) {
    FUZZ_CHECK(numbers.empty(), "TopLevelNumberTexts gives nothing for invalid JSON");
    return 0;
  }

  const std::string written = bookstore::json::Serialize(value);
  const boost::json::value reread = boost::json::parse(written, ec);
  FUZZ_CHECK(!ec, "Serialize writes valid JSON");
  FUZZ_CHECK(SameJson(value, reread), "parse(Serialize(v)) is v");

  const auto* object = value.if_object();
  if (object == nullptr) return 0;  // TopLevelNumberTexts is for objects (catalog's request bodies)
  for (const auto& [name, number] : numbers) {
    FUZZ_CHECK(object->contains(name), "every number text names a member of the object");
  }
  for (const auto& member : *object) {
    if (!member.value().is_number()) continue;
    const auto found = numbers.find(std::string_view(member.key()));
    FUZZ_CHECK(found != numbers.end(), "every number member has its text");
    const boost::json::value alone = boost::json::parse(found->second, ec);
    // Boost.JSON 1.81 may read the same digits a unit in the last place apart inside a document and alone
    // (why catalog reads a price from its text), and reads "0e400" as NaN, which equals nothing.
    const bool nan = alone.is_double() && member.value().is_double() && std::isnan(alone.get_double()) &&
                     std::isnan(member.value().get_double());
    FUZZ_CHECK(!ec && (alone == member.value() || nan || SameJson(member.value(), alone)),
               "the text reads as the member's value");
  }
  return 0;
}
