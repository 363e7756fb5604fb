#pragma once
// A book of the API as the templates show it: the price formatted, the stock as a label and flags, the
// drawn cover's colour and initial, whether the visitor sells it or has it in the cart.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "session/session.h"

namespace bookstore::web {

// The view of `book` (an API book object) for `session`, made in `storage` (a page's, handlers/common.h
// PageStorage, so that a page of books is not hundreds of separate allocations).
boost::json::object BookView(const boost::json::value& book, const Session& session,
                             boost::json::storage_ptr storage = {});

// Human-friendly "3 Mar 2026" from an RFC 3339 time; the input when it does not look like one.
std::string FormatDate(std::string_view rfc3339);

}  // namespace bookstore::web
