#pragma once
// Server-side HTML with Mustache (kainjow). Templates live in services/web/templates and are compiled
// into the binary:
//   layout.mustache       the page frame; includes the page as the partial {{>page}}
//   pages/<name>.mustache one per page
//   partials/<name>.mustache shared pieces, included as {{>name}}
// Handlers pass their data as JSON (strings, numbers, booleans, arrays, objects; null is false). Every
// value is inserted with {{ }}, which HTML-escapes it; templates never use {{{ }}} or {{& }}, and the
// constructor refuses any template that does, so user data cannot become markup.

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <string_view>

namespace bookstore::web {

class Renderer {
 public:
  // Loads and checks every embedded template; throws std::runtime_error naming a broken one.
  Renderer();

  // pages/<page>.mustache inside the layout.
  [[nodiscard]] std::string RenderPage(std::string_view page, const boost::json::object& data) const;
  // One template alone, by its path without ".mustache" ("pages/cart", "partials/book_card").
  [[nodiscard]] std::string Render(std::string_view name, const boost::json::object& data) const;

 private:
  [[nodiscard]] const std::string& Template(std::string_view name) const;
  // Renders template `name` with every partial, and `page` (when given) as the partial "page".
  [[nodiscard]] std::string Expand(std::string_view name, const boost::json::object& data,
                                   const std::string* page) const;

  std::map<std::string, std::string, std::less<>> templates_;
};

}  // namespace bookstore::web
