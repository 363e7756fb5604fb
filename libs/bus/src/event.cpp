#include "bookstore/bus/event.h"

#include <array>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "bookstore/http/trace_context.h"
#include "bookstore/json/json.h"

namespace bookstore::bus {
namespace {

constexpr std::size_t kMaxRoutingKey = 255;
constexpr std::size_t kMaxId = 100;  // the inbox column holds 100 ASCII characters

void RequireRoutingKey(std::string_view type) {
  if (type.empty()) throw BadEvent("event type is empty");
  if (type.size() > kMaxRoutingKey) throw BadEvent("event type is longer than 255 bytes");
  for (char ch : type) {
    if (ch <= ' ' || ch > '~') throw BadEvent("event type must be printable ASCII without spaces");
  }
}

void RequireId(std::string_view id) {
  if (id.empty()) throw BadEvent("event id is empty");
  if (id.size() > kMaxId) throw BadEvent("event id is longer than 100 characters");
  for (char ch : id) {
    if (ch <= ' ' || ch > '~') throw BadEvent("event id must be printable ASCII without spaces");
  }
}

std::string RequiredString(const boost::json::object& body, std::string_view name) {
  const auto* value = body.if_contains(name);
  if (value == nullptr) throw BadEvent("event has no '" + std::string(name) + "'");
  if (!value->is_string()) throw BadEvent("event '" + std::string(name) + "' is not a string");
  std::string text(value->get_string());
  if (text.empty()) throw BadEvent("event '" + std::string(name) + "' is empty");
  return text;
}

}  // namespace

std::string NewUuid() {
  // random_generator is not thread-safe; one per thread also avoids a lock on the hot path.
  thread_local boost::uuids::random_generator generator;
  return boost::uuids::to_string(generator());
}

std::string NowRfc3339() {
  const auto now = std::chrono::system_clock::now();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text.data();
}

std::optional<std::int64_t> DataId(const Event& event, std::string_view field) {
  const auto* data = event.data.if_object();
  const auto* id = data != nullptr ? data->if_contains(field) : nullptr;
  if (id == nullptr || !id->is_int64() || id->as_int64() <= 0) return std::nullopt;
  return id->as_int64();
}

boost::json::object EventLogFields(const Event& event, boost::json::object fields) {
  fields["event_id"] = event.id;
  fields["type"] = event.type;
  if (const auto trace_id = http::TraceIdOf(event.traceparent); !trace_id.empty()) {
    fields["trace_id"] = trace_id;
  }
  return fields;
}

Event MakeEvent(std::string type, std::string source, boost::json::value data, std::string traceparent) {
  RequireRoutingKey(type);
  if (source.empty()) throw BadEvent("event source is empty");
  return Event{NewUuid(),    std::move(source), std::move(type),
               NowRfc3339(), std::move(data),   std::move(traceparent)};
}

std::string Serialize(const Event& event) {
  boost::json::object body;
  body.reserve(6);
  body.emplace("specversion", "1.0");
  body.emplace("id", event.id);
  body.emplace("source", event.source);
  body.emplace("type", event.type);
  body.emplace("time", event.time);
  body.emplace("data", event.data);
  return json::Serialize(body);  // amounts in data print as exact decimals, never "1.25E1"
}

Event ParseEvent(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec) throw BadEvent("event body is not JSON: " + ec.message());
  auto* body = parsed.if_object();
  if (body == nullptr) throw BadEvent("event body is not a JSON object");
  if (RequiredString(*body, "specversion") != "1.0") throw BadEvent("event specversion is not \"1.0\"");

  Event event;
  event.id = RequiredString(*body, "id");
  RequireId(event.id);
  event.source = RequiredString(*body, "source");
  event.type = RequiredString(*body, "type");
  RequireRoutingKey(event.type);
  event.time = RequiredString(*body, "time");
  if (auto* data = body->if_contains("data")) event.data = std::move(*data);
  return event;
}

}  // namespace bookstore::bus
