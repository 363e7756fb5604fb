#include "views/renderer.h"

#include <stdexcept>

#include "views/embedded.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

constexpr std::string_view kSuffix = ".mustache";
constexpr std::string_view kPartialsDir = "partials/";
constexpr std::string_view kLayout = "layout";
constexpr std::string_view kPagePartial = "page";

// Triple mustaches and {{& }} insert unescaped text: no template may use them (the parser refuses them
// too; this names the file before anything else is looked at).
void RefuseUnescaped(const std::string& name, std::string_view text) {
  if (text.find("{{{") != std::string_view::npos || text.find("{{&") != std::string_view::npos) {
    throw std::runtime_error("template " + name + " uses unescaped output ({{{ }}} or {{& }})");
  }
}

// {{>name}}: partials/<name>, and the page being rendered as "page".
class Partials final : public mustache::PartialResolver {
 public:
  Partials(const std::map<std::string, mustache::Template, std::less<>>& templates,
           const mustache::Template* page)
      : templates_(templates), page_(page) {}

  [[nodiscard]] const mustache::Template* Find(std::string_view name) const override {
    if (name == kPagePartial) return page_;
    std::string path(kPartialsDir);
    path += name;
    const auto found = templates_.find(path);
    return found == templates_.end() ? nullptr : &found->second;
  }

 private:
  const std::map<std::string, mustache::Template, std::less<>>& templates_;
  const mustache::Template* page_;
};

}  // namespace

Renderer::Renderer() {
  for (const auto* files : {&EmbeddedTemplates(), &EmbeddedBuiltTemplates()}) {
    for (const auto& file : *files) {
      std::string name(file.path);
      if (name.ends_with(kSuffix)) {
        name.resize(name.size() - kSuffix.size());
      }
      RefuseUnescaped(name, file.content);
      mustache::Template parsed(name, file.content);
      if (!templates_.emplace(std::move(name), std::move(parsed)).second) {
        throw std::logic_error("two templates named " + std::string(file.path));
      }
    }
  }
  (void)Template(kLayout);  // throws when missing
  // A partial that does not exist would silently render nothing: refuse it now.
  const Partials partials(templates_, nullptr);
  for (const auto& [name, parsed] : templates_) {
    for (const auto& partial : parsed.Partials()) {
      const bool page_of_layout = name == kLayout && partial == kPagePartial;
      if (!page_of_layout && partials.Find(partial) == nullptr) {
        throw std::runtime_error("template " + name + " includes a partial that does not exist: " += partial);
      }
    }
  }
}

const mustache::Template& Renderer::Template(std::string_view name) const {
  const auto found = templates_.find(name);
  if (found == templates_.end()) {
    throw std::runtime_error("no template " + std::string(name));
  }
  return found->second;
}

std::string Renderer::Expand(const mustache::Template& parsed, const json::object& data,
                             const mustache::Template* page) const {
  std::string out;
  out.reserve(largest_.load(std::memory_order_relaxed));
  parsed.Render(data, Partials(templates_, page), out);
  if (out.size() > largest_.load(std::memory_order_relaxed)) {
    largest_.store(out.size(), std::memory_order_relaxed);
  }
  return out;
}

std::string Renderer::Render(std::string_view name, const json::object& data) const {
  return Expand(Template(name), data, nullptr);
}

std::string Renderer::RenderPage(std::string_view page, const json::object& data) const {
  std::string path("pages/");
  path += page;
  return Expand(Template(kLayout), data, &Template(path));
}

}  // namespace bookstore::web
