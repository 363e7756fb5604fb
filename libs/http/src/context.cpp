#include "bookstore/http/context.h"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>
#include <stdexcept>

#include "bookstore/http/error.h"
#include "bookstore/http/trace_context.h"
#include "internal.h"

namespace bookstore::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::int64_t> ParseInt64(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

namespace detail {

bool PercentDecode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexValue(in[i + 1]);
    const int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

}  // namespace detail

// ---- EventStream ----

Awaitable<bool> EventStream::Write(std::string_view data) { return sink_->WriteChunk(data); }

bool EventStream::IsOpen() const { return sink_->StreamOpen(); }

std::string FormatEvent(std::string_view data, std::string_view event, std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 32);
  if (!event.empty()) out.append("event: ").append(event).append("\n");
  if (!id.empty()) out.append("id: ").append(id).append("\n");
  std::size_t start = 0;
  while (true) {
    const auto nl = data.find('\n', start);
    auto line = data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.append("data: ").append(line).append("\n");
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out.append("\n");
  return out;
}

std::string FormatComment(std::string_view text) {
  std::string out = ": ";
  out.append(text).append("\n\n");
  return out;
}

// ---- Context ----

Context::Context(Request request, std::string request_id, std::string_view remote_address,
                 std::uint64_t connection_id)
    : request_(std::move(request)),
      request_id_(std::move(request_id)),
      remote_address_(remote_address),
      connection_id_(connection_id) {
  const std::string_view target = request_.target();
  path_ = target.substr(0, target.find('?'));
  if (const auto header = request_.find("traceparent"); header != request_.end()) {
    const std::string_view trace_id = TraceIdOf({header->value().data(), header->value().size()});
    trace_id_size_ = trace_id.copy(trace_id_.data(), trace_id_.size());
  }
}

boost::json::object RequestLogFields(const Context& ctx, boost::json::object fields) {
  fields["request_id"] = ctx.request_id();
  if (!ctx.trace_id().empty()) fields["trace_id"] = ctx.trace_id();
  return fields;
}

std::string_view Context::route() const { return route_ == nullptr ? std::string_view() : route_->pattern; }

std::string Context::Param(std::string_view name) const {
  if (route_ != nullptr) {
    for (std::size_t i = 0; i < route_->param_names.size() && i < param_count_; ++i) {
      if (route_->param_names[i] != name) continue;
      const auto raw = params_[i];
      if (raw.find('%') == std::string_view::npos) return std::string(raw);
      std::string decoded;
      if (!detail::PercentDecode(raw, decoded)) throw BadRequest("malformed percent-encoding in path");
      return decoded;
    }
  }
  throw std::logic_error("route " + std::string(route()) + " has no path parameter '" + std::string(name) +
                         "'");
}

std::int64_t Context::IdParam(std::string_view name) const {
  const auto value = ParseInt64(Param(name));
  if (!value || *value <= 0) throw NotFound("not found");
  return *value;
}

const std::vector<std::pair<std::string, std::string>>& Context::ParsedQuery() const {
  if (query_) return *query_;
  std::vector<std::pair<std::string, std::string>> params;
  const std::string_view target = request_.target();
  const auto question = target.find('?');
  if (question != std::string_view::npos) {
    // A NUL-terminated copy: Boost.URL 1.81 reads the last value of a query past the end of its view
    // while the following bytes are valid query characters ("a=1&b=2" inside "a=1&b=2ZZ" gives b=2ZZ).
    const std::string query(target.substr(question + 1));
    const auto parsed = boost::urls::parse_query(boost::urls::string_view(query.data(), query.size()));
    if (!parsed) throw BadRequest("malformed query string");
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    for (const auto param : *parsed) {
      if (param.key.empty() && !param.has_value) continue;  // "a=1&&b=2"
      params.emplace_back(param.key.decode(opts), param.has_value ? param.value.decode(opts) : std::string());
    }
  }
  query_ = std::move(params);
  return *query_;
}

const std::vector<std::pair<std::string, std::string>>& Context::QueryParams() const { return ParsedQuery(); }

std::optional<std::string> Context::Query(std::string_view name) const {
  for (const auto& [key, value] : ParsedQuery()) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> Context::QueryAll(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : ParsedQuery()) {
    if (key == name) values.push_back(value);
  }
  return values;
}

std::int64_t Context::QueryInt(std::string_view name, std::int64_t default_value, std::int64_t min,
                               std::int64_t max) const {
  const auto raw = Query(name);
  if (!raw || raw->empty()) return default_value;
  const auto value = ParseInt64(*raw);
  if (!value) throw BadRequest(std::string(name) + " must be an integer", name);
  if (*value < min || *value > max) {
    throw BadRequest(
        std::string(name) + " must be between " + std::to_string(min) + " and " + std::to_string(max), name);
  }
  return *value;
}

bool Context::QueryBool(std::string_view name, bool default_value) const {
  const auto raw = Query(name);
  if (!raw || raw->empty()) return default_value;
  const auto value = Lower(*raw);
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  throw BadRequest(std::string(name) + " must be true or false", name);
}

std::any* Context::FindAttribute(std::string_view key) {
  for (auto& [k, v] : attributes_) {
    if (k == key) return &v;
  }
  return nullptr;
}

const std::any* Context::FindAttribute(std::string_view key) const {
  for (const auto& [k, v] : attributes_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Awaitable<EventStream> Context::StartStream(Response head) {
  if (sink_ == nullptr) throw std::logic_error("StartStream outside a server connection");
  if (streaming_) throw std::logic_error("StartStream called twice");
  streaming_ = true;
  co_await sink_->BeginStream(std::move(head));
  co_return EventStream(sink_);
}

Awaitable<EventStream> Context::StartEventStream() {
  Response head{Status::ok, 11};
  head.set(Field::content_type, "text/event-stream");
  head.set(Field::cache_control, "no-cache");
  head.set("X-Accel-Buffering", "no");
  return StartStream(std::move(head));
}

}  // namespace bookstore::http
