#pragma once
// The W3C Trace Context header `traceparent` (https://www.w3.org/TR/trace-context/), the one parser of
// every component: services copy a valid one onto the events a request causes. An invalid value is
// dropped, never an error: a client's malformed header must not turn a request into a 5xx (auth once
// answered 500 to a 203-character value, and a failed logout left the token valid).

#include <optional>
#include <string>
#include <string_view>

namespace bookstore::http {

class Context;

// `traceparent` of version 00: "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>", lower case, 55
// characters, neither id all zeros. Nullopt for anything else (other versions included).
std::optional<std::string_view> ValidTraceparent(std::string_view value);

// The request's traceparent when valid, else "" (what the event envelope takes for "none").
std::string TraceparentOf(const Context& ctx);

}  // namespace bookstore::http
