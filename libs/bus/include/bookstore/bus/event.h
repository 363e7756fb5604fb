#pragma once
// One event on the bus: a CloudEvents 1.0 envelope in structured JSON mode (docs/design.md §3).
//
//   {"specversion":"1.0","id":"<uuid>","source":"catalog","type":"book.created",
//    "time":"2026-11-27T17:00:00.123Z","data":{...}}
//
// The routing key on `bookstore.events` is `type`. The payload of each type is fixed in docs/events.md.
// Build events with MakeEvent and hand them to outbox::Add; consumers receive them parsed.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bookstore::bus {

// The value of the AMQP content_type property of every event.
inline constexpr std::string_view kContentType = "application/cloudevents+json";

struct Event {
  std::string id;      // unique per event (a UUID for events made here); the inbox deduplicates on it
  std::string source;  // the producing component, e.g. "catalog"
  std::string type;    // e.g. "order.placed"; also the routing key
  std::string time;    // RFC 3339 UTC with milliseconds, e.g. "2026-11-27T17:00:00.123Z"
  boost::json::value data;
  // W3C trace context of the request that caused the event, or empty. Travels as the AMQP header
  // `traceparent` (not in the JSON body); filled in on receipt when the message carries one.
  std::string traceparent;
};

// The fields that tie a log line to an event: event_id, type and trace_id (of its traceparent, when valid),
// added to `fields`.
boost::json::object EventLogFields(const Event& event, boost::json::object fields = {});

// The positive integer `data.<field>` of an event (a book.* event's "id"), if it has one.
std::optional<std::int64_t> DataId(const Event& event, std::string_view field = "id");

// A message that is not a valid event (bad JSON, wrong specversion, missing or ill-typed attribute).
class BadEvent : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A new event with a fresh UUID id and the current time. Throws BadEvent when type or source is empty
// or not a usable routing key (1 to 255 printable ASCII characters, no spaces).
Event MakeEvent(std::string type, std::string source, boost::json::value data, std::string traceparent = {});

// The structured-mode JSON body: exactly specversion, id, source, type, time, data (in that order),
// written by json::Serialize (doubles in plain decimal notation).
std::string Serialize(const Event& event);

// Parses a structured-mode body. Unknown extension attributes are ignored; `data` may be absent (null).
// Throws BadEvent naming what is wrong.
Event ParseEvent(std::string_view body);

// A random (version 4) UUID in canonical text form, e.g. "0b5c8e2a-6a1f-4f0e-9a53-3f2f1f0d9c11".
std::string NewUuid();

// The current UTC time as RFC 3339 with milliseconds and a `Z`.
std::string NowRfc3339();

}  // namespace bookstore::bus
