#pragma once
// The request the tests of libs/http build: HTTP/1.1 with a Host, as a client sends it.

#include <string>
#include <string_view>

#include "bookstore/http/message.h"

namespace bookstore::http {

inline Request MakeRequest(Verb method, std::string_view target, std::string body = {}) {
  Request request{method, target, 11};
  request.set(Field::host, "test");
  request.body() = std::move(body);
  return request;
}

}  // namespace bookstore::http
