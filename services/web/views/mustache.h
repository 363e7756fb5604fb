#pragma once
// The Mustache the templates use, parsed once at start-up and rendered straight from Boost.JSON values
// into one string. It replaces kainjow Mustache 4.1 at render time: kainjow parses a partial again at
// every inclusion (every book card of a page) and needs the data converted into its own tree, which cost
// most of a page's CPU. The output is kainjow's, byte for byte (tests/render_test.cpp renders every page
// with both), including its whitespace rule: a line on which a section was rendered, left with nothing
// but spaces and tabs, is dropped with its line break.
//
// Supported: {{name}} (HTML-escaped), {{a.b}}, {{.}}, {{#section}}, {{^inverted}}, {{/end}}, {{! comment}}
// and {{>partial}}. Refused when compiling (std::runtime_error): {{{ }}} and {{& }} (unescaped output),
// set-delimiter tags, unbalanced sections, unclosed tags.
//
// Values as kainjow saw them after web's conversion: null and false are false; numbers are their text;
// an empty array is an empty list; strings (even empty) and objects are true. A name is looked up in the
// innermost section's value first, then outwards; a dotted name must resolve completely within one of
// them. A partial is always the template of that name, never a value of the data.

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::web::mustache {

class Template;

// Finds the template a {{>name}} stands for; null renders nothing.
class PartialResolver {
 public:
  virtual ~PartialResolver() = default;
  [[nodiscard]] virtual const Template* Find(std::string_view name) const = 0;
};

class Template {
 public:
  // Parses `text`; throws std::runtime_error naming `name` and the problem.
  Template(std::string name, std::string_view text);
  ~Template();
  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;

  // Appends the rendering of this template with `data` to `out`.
  void Render(const boost::json::object& data, const PartialResolver& partials, std::string& out) const;

  [[nodiscard]] const std::string& name() const { return name_; }
  // The names of the partials it includes, for checking them at start-up.
  [[nodiscard]] std::vector<std::string> Partials() const;

  // Defined in mustache.cpp.
  struct Node;
  struct Scope;
  struct State;

 private:
  void RenderNodes(std::size_t begin, std::size_t end, State& state) const;
  void RenderSection(std::size_t index, const Scope& scope, State& state) const;

  std::string name_;
  std::vector<Node> nodes_;
};

// HTML-escapes `text` (& < > " ') onto `out`, as kainjow does.
void AppendEscaped(std::string_view text, std::string& out);

}  // namespace bookstore::web::mustache
