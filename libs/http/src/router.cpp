#include "bookstore/http/router.h"

#include <cstdint>
#include <deque>
#include <stdexcept>

#include "internal.h"

namespace bookstore::http {
namespace {

using detail::Route;

struct Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;
  std::unique_ptr<Node> param;       // "{name}"
  std::vector<const Route*> routes;  // routes ending at this node
  std::vector<const Route*> rest;    // routes whose "{name...}" starts after this node
};

struct Captures {
  std::array<std::string_view, detail::kMaxPathParams> values{};
  std::size_t count = 0;
};

// Methods as a bit mask (beast's verb enum has fewer than 64 values).
using MethodMask = std::uint64_t;
MethodMask Bit(Verb v) { return MethodMask{1} << static_cast<unsigned>(v); }

const Route* FindMethod(const std::vector<const Route*>& routes, Verb method) {
  for (const auto* r : routes) {
    if (r->method == method) return r;
  }
  if (method == Verb::head) {
    for (const auto* r : routes) {
      if (r->method == Verb::get) return r;
    }
  }
  return nullptr;
}

MethodMask MaskOf(const std::vector<const Route*>& routes) {
  MethodMask mask = 0;
  for (const auto* r : routes) {
    mask |= Bit(r->method);
    if (r->method == Verb::get) mask |= Bit(Verb::head);
  }
  return mask;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Segment {
  enum class Kind { kLiteral, kParam, kRest } kind;
  std::string text;  // literal text or parameter name
};

std::vector<Segment> ParsePattern(std::string_view pattern) {
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument("route pattern '" + std::string(pattern) + "': " + why);
  };
  if (pattern.empty() || pattern.front() != '/') fail("must start with '/'");
  std::vector<Segment> segments;
  if (pattern == "/") return segments;
  std::string_view rest = pattern.substr(1);
  while (true) {
    const auto slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    if (seg.empty()) fail("empty segment");
    if (!segments.empty() && segments.back().kind == Segment::Kind::kRest) {
      fail("{name...} must be the last segment");
    }
    if (seg.front() == '{') {
      if (seg.back() != '}') fail("unterminated parameter");
      std::string_view name = seg.substr(1, seg.size() - 2);
      auto kind = Segment::Kind::kParam;
      if (name.size() > 3 && name.substr(name.size() - 3) == "...") {
        kind = Segment::Kind::kRest;
        name.remove_suffix(3);
      }
      if (name.empty()) fail("empty parameter name");
      for (char c : name) {
        if (!IsNameChar(c)) fail("parameter names use letters, digits and _");
      }
      for (const auto& s : segments) {
        if (s.kind != Segment::Kind::kLiteral && s.text == name) {
          fail("parameter '" + std::string(name) + "' twice");
        }
      }
      segments.push_back({kind, std::string(name)});
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) fail("braces only around a whole segment");
      segments.push_back({Segment::Kind::kLiteral, std::string(seg)});
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return segments;
}

}  // namespace

struct Router::Impl {
  Node root;
  std::deque<Route> routes;  // stable addresses

  // Depth-first match of `remaining` (the path after the '/' that ended the previous segment) below
  // `node`. `at_end` means the path ended at this node. Returns the route for `method`; on the way, ORs
  // into *seen the methods of every route whose pattern matches the path.
  const Route* Find(const Node& node, std::string_view remaining, bool at_end, Verb method, Captures& caps,
                    MethodMask* seen) const {
    if (at_end) {
      if (const auto* r = FindMethod(node.routes, method)) return r;
      *seen |= MaskOf(node.routes);
    } else {
      const auto slash = remaining.find('/');
      const std::string_view seg = remaining.substr(0, slash);
      const bool next_at_end = slash == std::string_view::npos;
      const std::string_view next = next_at_end ? std::string_view() : remaining.substr(slash + 1);
      for (const auto& [text, child] : node.literals) {
        if (text != seg) continue;
        if (const auto* r = Find(*child, next, next_at_end, method, caps, seen)) return r;
        break;
      }
      if (node.param && !seg.empty()) {
        const std::size_t saved = caps.count;
        caps.values[caps.count++] = seg;
        if (const auto* r = Find(*node.param, next, next_at_end, method, caps, seen)) return r;
        caps.count = saved;
      }
    }
    if (!node.rest.empty()) {
      if (const auto* r = FindMethod(node.rest, method)) {
        caps.values[caps.count++] = at_end ? std::string_view() : remaining;
        return r;
      }
      *seen |= MaskOf(node.rest);
    }
    return nullptr;
  }
};

Router::Router() : impl_(std::make_unique<Impl>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::Add(Verb method, std::string_view pattern, Handler handler, RouteOptions options) {
  if (!handler) throw std::invalid_argument("route " + std::string(pattern) + ": empty handler");
  const auto segments = ParsePattern(pattern);
  Route route;
  route.method = method;
  route.pattern = std::string(pattern);
  route.handler = std::move(handler);
  route.options = options;
  Node* node = &impl_->root;
  bool rest = false;
  for (const auto& seg : segments) {
    switch (seg.kind) {
      case Segment::Kind::kLiteral: {
        Node* next = nullptr;
        for (auto& [text, child] : node->literals) {
          if (text == seg.text) next = child.get();
        }
        if (next == nullptr) {
          node->literals.emplace_back(seg.text, std::make_unique<Node>());
          next = node->literals.back().second.get();
        }
        node = next;
        break;
      }
      case Segment::Kind::kParam:
        if (!node->param) node->param = std::make_unique<Node>();
        node = node->param.get();
        route.param_names.push_back(seg.text);
        break;
      case Segment::Kind::kRest:
        rest = true;
        route.param_names.push_back(seg.text);
        break;
    }
  }
  if (route.param_names.size() > detail::kMaxPathParams) {
    throw std::invalid_argument("route pattern '" + std::string(pattern) + "': too many parameters");
  }
  auto& table = rest ? node->rest : node->routes;
  for (const auto* existing : table) {
    if (existing->method == method) {
      throw std::invalid_argument("route " + std::string(boost::beast::http::to_string(method)) + " " +
                                  std::string(pattern) + " conflicts with " + existing->pattern);
    }
  }
  impl_->routes.push_back(std::move(route));
  table.push_back(&impl_->routes.back());
}

const Handler* Router::Match(Context& ctx, std::string* allow, bool* skip_middleware) const {
  const std::string_view path = ctx.path();
  Captures caps;
  MethodMask seen = 0;
  const Route* route = nullptr;
  if (!path.empty() && path.front() == '/') {
    const std::string_view remaining = path.substr(1);
    route = impl_->Find(impl_->root, remaining, path.size() == 1, ctx.method(), caps, &seen);
  }
  if (route == nullptr) {
    detail::ContextAccess::SetRoute(ctx, nullptr);
    detail::ContextAccess::SetParamCount(ctx, 0);
    if (allow != nullptr) {
      allow->clear();
      for (unsigned v = 0; v < 64; ++v) {
        if ((seen & (MethodMask{1} << v)) == 0) continue;
        if (!allow->empty()) allow->append(", ");
        allow->append(boost::beast::http::to_string(static_cast<Verb>(v)));
      }
    }
    return nullptr;
  }
  detail::ContextAccess::SetRoute(ctx, route);
  detail::ContextAccess::Params(ctx) = caps.values;
  detail::ContextAccess::SetParamCount(ctx, caps.count);
  if (skip_middleware != nullptr) *skip_middleware = route->options.skip_middleware;
  return &route->handler;
}

std::vector<std::string> Router::Patterns() const {
  std::vector<std::string> patterns;
  for (const auto& r : impl_->routes) patterns.push_back(r.pattern);
  return patterns;
}

Awaitable<Response> Next::operator()(Context& ctx) const {
  if (index_ < pipeline_->middleware.size()) {
    return pipeline_->middleware[index_](ctx, Next(pipeline_, index_ + 1));
  }
  return pipeline_->terminal(ctx);
}

}  // namespace bookstore::http
