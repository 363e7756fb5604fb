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

}  // namespace bookstore::orders::handlers
