#include "handlers/common.h"

namespace bookstore::orders::handlers {

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
