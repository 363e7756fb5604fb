#pragma once
// JSON as kainjow Mustache's data, the way web's renderer built it before views/mustache.h replaced
// kainjow: the reference that tests/mustache_test.cpp compares against and bench_web_page measures.

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <kainjow/mustache.hpp>
#include <string>

namespace bookstore::web {

inline kainjow::mustache::data ToKainjowData(const boost::json::value& value) {
  namespace json = boost::json;
  namespace kj = kainjow::mustache;
  switch (value.kind()) {
    case json::kind::null:
      return {false};
    case json::kind::bool_:
      return {value.get_bool()};
    case json::kind::int64:
      return {std::to_string(value.get_int64())};
    case json::kind::uint64:
      return {std::to_string(value.get_uint64())};
    case json::kind::double_:
      return {json::serialize(value)};
    case json::kind::string:
      return {std::string(value.get_string())};
    case json::kind::array: {
      kj::data list(kj::data::type::list);
      for (const auto& item : value.get_array()) list.push_back(ToKainjowData(item));
      return list;
    }
    case json::kind::object: {
      kj::data object(kj::data::type::object);
      for (const auto& [key, member] : value.get_object()) {
        object.set(std::string(key), ToKainjowData(member));
      }
      return object;
    }
  }
  return {false};
}

}  // namespace bookstore::web
