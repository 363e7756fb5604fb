#pragma once
// Compact JSON like boost::json::serialize, except that doubles print in the shortest fixed notation
// that reads back as the same double ("12.5", never "1.25E1"): for amounts made by CentsToJson
// (money.h) that is exactly their decimal text. NaN and infinities, which JSON cannot express, print
// as null.

#include <boost/json/value.hpp>
#include <string>

namespace bookstore::orders {

std::string SerializeJson(const boost::json::value& value);

}  // namespace bookstore::orders
