#pragma once
// The W3C Trace Context header `traceparent` (https://www.w3.org/TR/trace-context/), the one parser of
// every component. Every request a Server serves has one: the server continues a valid one and starts a
// trace when the request brings none or an invalid one (never an error: a client's malformed header must
// not turn a request into a 5xx; auth once answered 500 to a 203-character value, and a failed logout left
// the token valid). Components log its trace id with every line about the request (RequestLogFields,
// context.h), pass it on to the services they call, and copy it onto the events the request causes; the
// consumers of those events log it in turn. `./bookstore logs --trace ID` gathers one trace's lines.

#include <optional>
#include <string>
#include <string_view>

namespace bookstore::http {

class Context;

// `traceparent` of version 00: "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>", lower case, 55
// characters, neither id all zeros. Nullopt for anything else (other versions included).
std::optional<std::string_view> ValidTraceparent(std::string_view value);

// The request's traceparent when valid, else "" (what the event envelope takes for "none"). Under a
// Server always valid.
std::string TraceparentOf(const Context& ctx);

// A new trace: version 00, random trace and parent ids, sampled.
std::string NewTraceparent();

// The 32-hex-digit trace id of a valid traceparent, else "".
std::string_view TraceIdOf(std::string_view traceparent);

}  // namespace bookstore::http
