#include "views/renderer.h"

#include <boost/json/serialize.hpp>
#include <kainjow/mustache.hpp>
#include <stdexcept>

#include "views/embedded.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;
using Mustache = kainjow::mustache::mustache;
using Data = kainjow::mustache::data;

constexpr std::string_view kSuffix = ".mustache";
constexpr std::string_view kPartialsDir = "partials/";

Data ToData(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return {false};
    case json::kind::bool_:
      return {value.get_bool()};
    case json::kind::int64:
      return {std::to_string(value.get_int64())};
    case json::kind::uint64:
      return {std::to_string(value.get_uint64())};
    case json::kind::double_:
      return {json::serialize(value)};
    case json::kind::string:
      return {std::string(value.get_string())};
    case json::kind::array: {
      Data list(Data::type::list);
      for (const auto& item : value.get_array()) {
        list.push_back(ToData(item));
      }
      return list;
    }
    case json::kind::object: {
      Data object(Data::type::object);
      for (const auto& [key, member] : value.get_object()) {
        object.set(std::string(key), ToData(member));
      }
      return object;
    }
  }
  return {false};
}

// Triple mustaches and {{& }} insert unescaped text: no template may use them.
void RefuseUnescaped(const std::string& name, const std::string& text) {
  if (text.find("{{{") != std::string::npos || text.find("{{&") != std::string::npos) {
    throw std::runtime_error("template " + name + " uses unescaped output ({{{ }}} or {{& }})");
  }
}

}  // namespace

Renderer::Renderer() {
  for (const auto& file : EmbeddedTemplates()) {
    std::string name(file.path);
    if (name.size() > kSuffix.size()) {
      name.resize(name.size() - kSuffix.size());
    }
    std::string text(file.content);
    RefuseUnescaped(name, text);
    const Mustache parsed(text);
    if (!parsed.is_valid()) {
      throw std::runtime_error("template " + name + " is broken: " + parsed.error_message());
    }
    templates_.emplace(std::move(name), std::move(text));
  }
  (void)Template("layout");  // throws when missing
}

const std::string& Renderer::Template(std::string_view name) const {
  const auto found = templates_.find(name);
  if (found == templates_.end()) {
    throw std::runtime_error("no template " + std::string(name));
  }
  return found->second;
}

std::string Renderer::Expand(std::string_view name, const json::object& data, const std::string* page) const {
  Data context = ToData(data);
  for (const auto& [path, text] : templates_) {
    if (path.starts_with(kPartialsDir)) {
      const std::string* body = &text;
      context.set(path.substr(kPartialsDir.size()),
                  Data(kainjow::mustache::partial([body] { return *body; })));
    }
  }
  if (page != nullptr) {
    context.set("page", Data(kainjow::mustache::partial([page] { return *page; })));
  }
  Mustache view(Template(name));
  std::string out = view.render(context);
  if (!view.is_valid()) {
    throw std::runtime_error("rendering " + std::string(name) + " failed: " + view.error_message());
  }
  return out;
}

std::string Renderer::Render(std::string_view name, const json::object& data) const {
  return Expand(name, data, nullptr);
}

std::string Renderer::RenderPage(std::string_view page, const json::object& data) const {
  return Expand("layout", data, &Template("pages/" + std::string(page)));
}

}  // namespace bookstore::web
