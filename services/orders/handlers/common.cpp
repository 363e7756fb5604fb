#include "handlers/common.h"

#include <boost/beast/http/status.hpp>

#include "domain/json_text.h"

namespace bookstore::orders::handlers {

http::Response ExactJson(const boost::json::value& body, http::Status status) {
  return http::TextResponse(SerializeJson(body), status, http::kJsonContentType);
}

http::Response ExactProblem(http::Status status, const std::string& detail,
                            const boost::json::object& extra) {
  const auto title = boost::beast::http::obsolete_reason(status);
  boost::json::object body{{"type", "about:blank"},
                           {"title", std::string_view(title.data(), title.size())},
                           {"status", static_cast<int>(status)},
                           {"detail", detail},
                           {"error", detail}};
  for (const auto& member : extra) {
    if (!body.contains(member.key())) {
      body[member.key()] = member.value();
    }
  }
  return http::TextResponse(SerializeJson(body), status, http::kProblemContentType);
}

std::optional<std::string_view> OptionalHeader(const http::Context& ctx, std::string_view name) {
  const auto found = ctx.request().find(name);
  if (found == ctx.request().end()) {
    return std::nullopt;
  }
  const auto value = found->value();
  return std::string_view(value.data(), value.size());
}

std::string TraceParent(const http::Context& ctx) {
  const auto header = OptionalHeader(ctx, "traceparent");
  if (!header || header->size() != 55) {
    return {};
  }
  for (std::size_t i = 0; i < header->size(); ++i) {
    const char ch = (*header)[i];
    const bool dash = i == 2 || i == 35 || i == 52;
    if (dash ? ch != '-' : !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
      return {};
    }
  }
  return std::string(*header);
}

}  // namespace bookstore::orders::handlers
