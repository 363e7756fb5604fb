#include "views/mustache.h"

#include <array>
#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <memory>
#include <stdexcept>

#include "bookstore/text/utf8.h"

namespace bookstore::web::mustache {

namespace json = boost::json;

struct Template::Node {
  enum class Kind : std::uint8_t { kText, kNewline, kVariable, kSection, kInverted, kPartial };
  Kind kind = Kind::kText;
  std::string text;               // kText, kNewline: the bytes; any other: the name as written
  bool top = false;               // {{.}}: the innermost value itself
  std::vector<std::string> path;  // kVariable, kSection, kInverted: the name, split at dots
  // Per part of the path: where it was found last time. Objects made by the same code (a page's books)
  // have their members in the same order, so most lookups are one comparison instead of a hash lookup.
  mutable std::vector<std::atomic<std::uint32_t>> hints;
  std::size_t end = 0;  // kSection, kInverted: the index just after the section's nodes
};

// A value being rendered: one of the data, or the data's root object (which is no json::value).
struct Template::Scope {
  const json::value* value = nullptr;
  const json::object* object = nullptr;  // the value as an object, when it is one

  [[nodiscard]] bool Found() const { return value != nullptr || object != nullptr; }
  [[nodiscard]] bool IsFalse() const {
    return value != nullptr && (value->is_null() || (value->is_bool() && !value->get_bool()));
  }
  [[nodiscard]] bool IsEmptyList() const {
    return value != nullptr && value->is_array() && value->get_array().empty();
  }
};

struct Template::State {
  std::string& out;
  const PartialResolver& partials;
  const json::object& root;
  std::vector<Scope> sections;   // the values of the sections being rendered, innermost last
  std::size_t line_start = 0;    // where the current line begins in `out`
  bool section_on_line = false;  // a section began or ended on the current line
  int partial_depth = 0;
};

namespace {

using Node = Template::Node;
using Kind = Node::Kind;

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";
// Deeper than any template of ours nests partials; kainjow would have overflowed the stack instead.
constexpr int kMaxPartialDepth = 32;

// "a.b" -> {"a", "b"}, split as kainjow splits (std::getline: no empty last part after a final dot).
std::vector<std::string> SplitName(std::string_view name) {
  if (name.find('.') == std::string_view::npos) return {std::string(name)};
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start < name.size()) {
    const std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) {
      parts.emplace_back(name.substr(start));
      break;
    }
    parts.emplace_back(name.substr(start, dot - start));
    start = dot + 1;
  }
  return parts;
}

class Parser {
 public:
  Parser(const std::string& name, std::string_view text, std::vector<Node>& nodes)
      : name_(name), text_(text), nodes_(nodes) {}

  void Parse() {
    std::size_t pos = 0;
    while (pos < text_.size()) {
      if (text_.compare(pos, kOpen.size(), kOpen) == 0) {
        pos = Tag(pos);
      } else if (text_[pos] == '\n' || text_[pos] == '\r') {
        const std::size_t length = text_.compare(pos, 2, "\r\n") == 0 ? 2 : 1;
        Add(Kind::kNewline).text = text_.substr(pos, length);
        pos += length;
      } else {
        AddText(text_[pos]);
        ++pos;
      }
    }
    if (!open_.empty()) Fail("section '" + nodes_[open_.back()].text + "' is not closed");
  }

 private:
  [[noreturn]] void Fail(const std::string& problem) const {
    throw std::runtime_error("template " + name_ + ": " + problem);
  }

  Node& Add(Kind kind) {
    Node& node = nodes_.emplace_back();
    node.kind = kind;
    return node;
  }

  // Runs of text between tags and line breaks become one node.
  void AddText(char c) {
    if (nodes_.empty() || nodes_.back().kind != Kind::kText || text_closed_) {
      Add(Kind::kText);
      text_closed_ = false;
    }
    nodes_.back().text += c;
  }

  // The tag starting at `pos`; returns where the text after it begins.
  std::size_t Tag(std::size_t pos) {
    text_closed_ = true;
    const std::size_t contents = pos + kOpen.size();
    if (contents < text_.size() && text_[contents] == '{') {
      Fail("unescaped output {{{ }}} at " + std::to_string(pos));
    }
    const std::size_t close = text_.find(kClose, contents);
    if (close == std::string_view::npos) Fail("unclosed tag at " + std::to_string(pos));
    // Trimmed of std::isspace in the "C" locale, as kainjow trims tag contents.
    const std::string_view tag = text::TrimAsciiWhitespace(text_.substr(contents, close - contents));
    const char sigil = tag.empty() ? '\0' : tag.front();
    const std::string_view name = text::TrimAsciiWhitespace(tag.empty() ? tag : tag.substr(1));
    switch (sigil) {
      case '#':
        Section(Kind::kSection, name);
        break;
      case '^':
        Section(Kind::kInverted, name);
        break;
      case '/':
        EndSection(name, pos);
        break;
      case '>':
        Named(Kind::kPartial, name);
        break;
      case '!':
        break;  // a comment
      case '&':
        Fail("unescaped output {{& }} at " + std::to_string(pos));
      case '=':
        Fail("set-delimiter tags are not supported (at " + std::to_string(pos) + ")");
      default:
        Variable(tag);
        break;
    }
    return close + kClose.size();
  }

  void Named(Kind kind, std::string_view name) {
    Node& node = Add(kind);
    node.text = name;
    node.top = name == ".";
    if (node.top) return;
    node.path = SplitName(name);
    node.hints = std::vector<std::atomic<std::uint32_t>>(node.path.size());
  }

  void Variable(std::string_view name) { Named(Kind::kVariable, name); }

  void Section(Kind kind, std::string_view name) {
    open_.push_back(nodes_.size());
    Named(kind, name);
  }

  void EndSection(std::string_view name, std::size_t pos) {
    if (open_.empty()) {
      Fail("section '" + std::string(name) + "' ends at " + std::to_string(pos) + " but never began");
    }
    Node& section = nodes_[open_.back()];
    if (section.text != name) Fail("section '" + section.text + "' is closed by '" + std::string(name) + "'");
    section.end = nodes_.size();
    open_.pop_back();
  }

  const std::string& name_;
  std::string_view text_;
  std::vector<Node>& nodes_;
  std::vector<std::size_t> open_;  // the sections not closed yet
  bool text_closed_ = false;       // a tag came after the last text node
};

// Characters HTML-escaped, with their entities (kainjow's html_escape).
constexpr std::array<std::string_view, 256> EscapeTable() {
  std::array<std::string_view, 256> table{};
  table['&'] = "&amp;";
  table['<'] = "&lt;";
  table['>'] = "&gt;";
  table['"'] = "&quot;";
  table['\''] = "&apos;";
  return table;
}
constexpr std::array<std::string_view, 256> kEscapes = EscapeTable();

void AppendNumber(auto number, std::string& out) {
  std::array<char, 24> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
  out.append(buffer.data(), ec == std::errc() ? end : buffer.data());
}

// The text of a variable as kainjow printed it: strings escaped, numbers as text, nothing else.
void AppendValue(const json::value& value, std::string& out) {
  switch (value.kind()) {
    case json::kind::string:
      AppendEscaped(value.get_string(), out);
      break;
    case json::kind::int64:
      AppendNumber(value.get_int64(), out);
      break;
    case json::kind::uint64:
      AppendNumber(value.get_uint64(), out);
      break;
    case json::kind::double_:
      AppendEscaped(json::serialize(value), out);
      break;
    default:
      break;  // booleans, null, arrays, objects print nothing
  }
}

// Only spaces and tabs from `start` on (what kainjow counts as an empty line).
bool OnlyBlanks(const std::string& out, std::size_t start) {
  for (std::size_t i = start; i < out.size(); ++i) {
    if (out[i] != ' ' && out[i] != '\t') return false;
  }
  return true;
}

// The end of a line: a line that held a section and is otherwise blank disappears, line break included.
void EndLine(Template::State& state, std::string_view line_break) {
  if (state.section_on_line && OnlyBlanks(state.out, state.line_start)) {
    state.out.resize(state.line_start);
  } else {
    state.out.append(line_break);
  }
  state.line_start = state.out.size();
  state.section_on_line = false;
}

// The member `key` of `object`, trying where `hint` says it was last time first.
const json::value* Member(const json::object& object, std::string_view key,
                          std::atomic<std::uint32_t>& hint) {
  const std::uint32_t at = hint.load(std::memory_order_relaxed);
  if (at < object.size()) {
    const json::key_value_pair& member = object.begin()[at];
    if (member.key() == key) return &member.value();
  }
  const auto found = object.find(key);
  if (found == object.end()) return nullptr;
  hint.store(static_cast<std::uint32_t>(found - object.begin()), std::memory_order_relaxed);
  return &found->value();
}

Template::Scope Find(const Node& node, const Template::State& state) {
  if (node.top) {
    return state.sections.empty() ? Template::Scope{nullptr, &state.root} : state.sections.back();
  }
  const auto resolve = [&node](const json::object* object) -> const json::value* {
    const json::value* value = nullptr;
    for (std::size_t part = 0; part < node.path.size(); ++part) {
      if (object == nullptr) return nullptr;
      value = Member(*object, node.path[part], node.hints[part]);
      if (value == nullptr) return nullptr;
      object = value->if_object();
    }
    return value;
  };
  for (std::size_t i = state.sections.size(); i-- > 0;) {  // innermost first
    if (const json::value* value = resolve(state.sections[i].object)) return {value, value->if_object()};
  }
  if (const json::value* value = resolve(&state.root)) return {value, value->if_object()};
  return {};
}

}  // namespace

void AppendEscaped(std::string_view text, std::string& out) {
  std::size_t run = 0;  // the start of the characters not appended yet
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::string_view entity = kEscapes[static_cast<unsigned char>(text[i])];
    if (entity.empty()) continue;
    out.append(text.data() + run, i - run);
    out.append(entity);
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

Template::Template(std::string name, std::string_view text) : name_(std::move(name)) {
  Parser(name_, text, nodes_).Parse();
}

Template::~Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;

std::vector<std::string> Template::Partials() const {
  std::vector<std::string> names;
  for (const auto& node : nodes_) {
    if (node.kind == Kind::kPartial) names.push_back(node.text);
  }
  return names;
}

void Template::Render(const json::object& data, const PartialResolver& partials, std::string& out) const {
  State state{.out = out, .partials = partials, .root = data, .sections = {}, .line_start = out.size()};
  RenderNodes(0, nodes_.size(), state);
  EndLine(state, {});  // the last line, which has no line break
}

void Template::RenderNodes(std::size_t begin, std::size_t end, State& state) const {
  for (std::size_t i = begin; i < end; ++i) {
    const Node& node = nodes_[i];
    switch (node.kind) {
      case Kind::kText:
        state.out.append(node.text);
        break;
      case Kind::kNewline:
        EndLine(state, node.text);
        break;
      case Kind::kVariable:
        if (const Scope scope = Find(node, state); scope.value != nullptr) {
          AppendValue(*scope.value, state.out);
        }
        break;
      case Kind::kSection:
        if (const Scope scope = Find(node, state);
            scope.Found() && !scope.IsFalse() && !scope.IsEmptyList()) {
          RenderSection(i, scope, state);
        }
        i = node.end - 1;
        break;
      case Kind::kInverted:
        if (const Scope scope = Find(node, state); !scope.Found() || scope.IsFalse() || scope.IsEmptyList()) {
          RenderSection(i, scope, state);
        }
        i = node.end - 1;
        break;
      case Kind::kPartial:
        if (const Template* partial = state.partials.Find(node.text)) {
          if (++state.partial_depth > kMaxPartialDepth) {
            throw std::runtime_error("template " + name_ + ": partials nested too deep");
          }
          partial->RenderNodes(0, partial->nodes_.size(), state);
          --state.partial_depth;
        }
        break;
    }
  }
}

// kainjow's render_section: a list renders once per item, any other value once with itself innermost,
// nothing (inverted) once as is; each time, the line counts as holding a section.
void Template::RenderSection(std::size_t index, const Scope& scope, State& state) const {
  const std::size_t begin = index + 1;
  const std::size_t end = nodes_[index].end;
  const auto render_with = [&](const Scope* innermost) {
    state.section_on_line = true;
    if (innermost != nullptr) state.sections.push_back(*innermost);
    RenderNodes(begin, end, state);
    if (innermost != nullptr) state.sections.pop_back();
    state.section_on_line = true;
  };
  if (scope.value != nullptr && scope.value->is_array() && !scope.value->get_array().empty()) {
    for (const auto& item : scope.value->get_array()) {
      const Scope each{&item, item.if_object()};
      render_with(&each);
    }
  } else if (scope.Found()) {
    render_with(&scope);
  } else {
    render_with(nullptr);
  }
}

}  // namespace bookstore::web::mustache
