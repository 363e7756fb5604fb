#pragma once
// Internals shared by the library's translation units.

#include <string_view>
#include <vector>

#include "bookstore/http/client.h"

namespace bookstore::authn::detail {

// "http://a:5001, http://b:5001" -> upstreams. Throws std::invalid_argument for an empty list or a bad
// URL (naming AUTH_URL).
std::vector<http::Upstream> ParseUpstreams(std::string_view urls);

}  // namespace bookstore::authn::detail
