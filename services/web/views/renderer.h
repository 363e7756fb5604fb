#pragma once
// Server-side HTML with Mustache (views/mustache.h). Templates live in services/web/templates and are
// compiled into the binary:
//   layout.mustache       the page frame; includes the page as the partial {{>page}}
//   pages/<name>.mustache one per page
//   partials/<name>.mustache shared pieces, included as {{>name}}
// Every template is parsed once, when the Renderer is made; a page is then rendered straight from the
// handler's JSON into one string. Handlers pass their data as JSON (strings, numbers, booleans, arrays,
// objects; null is false). Every value is inserted with {{ }}, which HTML-escapes it; templates never use
// {{{ }}} or {{& }}, and the constructor refuses any template that does, so user data cannot become
// markup.

#include <atomic>
#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <string_view>

#include "views/mustache.h"

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
  [[nodiscard]] const mustache::Template& Template(std::string_view name) const;
  // Renders `name` with the partials, and `page` (when given) as the partial "page".
  [[nodiscard]] std::string Expand(const mustache::Template& name, const boost::json::object& data,
                                   const mustache::Template* page) const;

  std::map<std::string, mustache::Template, std::less<>> templates_;
  // The largest page so far: the next one's buffer is reserved at that size, so it is not regrown.
  mutable std::atomic<std::size_t> largest_{0};
};

}  // namespace bookstore::web
