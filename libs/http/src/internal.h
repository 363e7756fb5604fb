#pragma once
// Internals shared by the library's translation units (not installed, not for services).

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/http/context.h"
#include "bookstore/http/router.h"

namespace bookstore::http::detail {

struct Route {
  Verb method = Verb::unknown;
  std::string pattern;
  std::vector<std::string> param_names;  // in path order
  Handler handler;
  RouteOptions options;
};

// The server's and router's access to a Context's private state.
class ContextAccess {
 public:
  static void SetRoute(Context& ctx, const Route* route) { ctx.route_ = route; }
  static const Route* GetRoute(const Context& ctx) { return ctx.route_; }
  static std::array<std::string_view, kMaxPathParams>& Params(Context& ctx) { return ctx.params_; }
  static void SetParamCount(Context& ctx, std::size_t count) { ctx.param_count_ = count; }
  static void SetSink(Context& ctx, StreamSink* sink) { ctx.sink_ = sink; }
};

// Percent-decodes one path segment; returns false for a malformed escape.
bool PercentDecode(std::string_view in, std::string& out);

}  // namespace bookstore::http::detail
