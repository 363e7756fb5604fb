// views/mustache.h against kainjow Mustache 4.1, the engine it replaced: the same template and data must
// give the same bytes. Each page of the store with fixed data, every page with thousands of data sets
// drawn at random from the names the templates use, and the corners of kainjow's rules (blank lines
// around sections, dotted names, lists of scalars, partials inside sections) in small templates.

#include "views/mustache.h"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <kainjow/mustache.hpp>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>

#include "tests/hostile_text.h"
#include "tests/kainjow_data.h"
#include "views/assets.h"
#include "views/embedded.h"
#include "views/renderer.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;
namespace kj = kainjow::mustache;

// ------------------------------------------------------------------------ kainjow, as web used it

// The text of `template_text` rendered by kainjow with `partials` set into the data, as Renderer did
// before views/mustache.h.
std::string KainjowRender(const std::string& template_text, const json::object& data,
                          const std::map<std::string, std::string>& partials) {
  kj::data context = ToKainjowData(data);
  for (const auto& [name, text] : partials) {
    const std::string* body = &text;
    context.set(name, kj::data(kj::partial([body] { return *body; })));
  }
  kj::mustache view(template_text);
  std::string out = view.render(context);
  if (!view.is_valid()) throw std::runtime_error("kainjow: " + view.error_message());
  return out;
}

std::map<std::string, std::string> EmbeddedTexts() {
  std::map<std::string, std::string> texts;
  for (const auto& file : EmbeddedTemplates()) {
    std::string name(file.path);
    texts[name.substr(0, name.size() - std::string_view(".mustache").size())] = std::string(file.content);
  }
  return texts;
}

// A page of the store as the old Renderer::RenderPage made it.
std::string KainjowPage(const std::string& page, const json::object& data) {
  static const std::map<std::string, std::string> texts = EmbeddedTexts();
  std::map<std::string, std::string> partials;
  for (const auto& [name, text] : texts) {
    if (name.starts_with("partials/")) partials[name.substr(9)] = text;
  }
  partials["page"] = texts.at("pages/" + page);
  return KainjowRender(texts.at("layout"), data, partials);
}

std::vector<std::string> PageNames() {
  std::vector<std::string> pages;
  for (const auto& [name, text] : EmbeddedTexts()) {
    if (name.starts_with("pages/")) pages.push_back(name.substr(6));
  }
  return pages;
}

// ------------------------------------------------------------------------------- small templates

class MapPartials final : public mustache::PartialResolver {
 public:
  explicit MapPartials(const std::map<std::string, std::string>& texts) {
    for (const auto& [name, text] : texts) templates_.emplace(name, mustache::Template(name, text));
  }
  [[nodiscard]] const mustache::Template* Find(std::string_view name) const override {
    const auto found = templates_.find(std::string(name));
    return found == templates_.end() ? nullptr : &found->second;
  }

 private:
  std::map<std::string, mustache::Template> templates_;
};

std::string Render(const std::string& text, const json::object& data,
                   const std::map<std::string, std::string>& partials = {}) {
  std::string out;
  mustache::Template("test", text).Render(data, MapPartials(partials), out);
  return out;
}

void ExpectSameAsKainjow(const std::string& text, std::string_view data_json,
                         const std::map<std::string, std::string>& partials = {}) {
  const json::object data = json::parse(data_json).as_object();
  EXPECT_EQ(Render(text, data, partials), KainjowRender(text, data, partials))
      << "template: " << text << "\ndata: " << data_json;
}

TEST(MustacheTest, VariablesAreEscapedLikeKainjow) {
  const std::string data = R"({"s": "<a href=\"x\">Tom & 'Jerry'</a>", "i": -42, "u": 18446744073709551615,
      "d": 12.5, "t": true, "f": false, "n": null, "e": "", "o": {"k": "v"}, "l": [1, 2]})";
  for (const std::string name : {"s", "i", "u", "d", "t", "f", "n", "e", "o", "l", "missing", "o.k", "o.x"}) {
    ExpectSameAsKainjow("[{{" + name + "}}]", data);
    ExpectSameAsKainjow("[{{ " + name + " }}]", data);
  }
  EXPECT_EQ(Render("{{s}}", json::parse(data).as_object()),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;");
}

TEST(MustacheTest, SectionsAndInvertedSectionsFollowKainjowsTruth) {
  const std::string data = R"({"i": 0, "e": "", "t": true, "f": false, "n": null, "o": {}, "l": [], "d": 0.0,
      "full": [{"x": 1}, {"x": 2}], "scalars": ["a", "<b>", 3], "nested": {"deep": {"x": "y"}}})";
  for (const std::string name :
       {"i", "e", "t", "f", "n", "o", "l", "d", "full", "scalars", "missing", "nested.deep", "nested.none"}) {
    const std::string section = "[{{x}}{{.}}]{{/" + name + "}}b";
    ExpectSameAsKainjow("a{{#" + name + "}}" += section, data);
    ExpectSameAsKainjow("a{{^" + name + "}}" += section, data);
  }
}

TEST(MustacheTest, NamesResolveFromTheInnermostSectionOutwards) {
  ExpectSameAsKainjow("{{#a}}{{x}}{{#b}}{{x}}{{y}}{{a.x}}{{b.y}}{{/b}}{{/a}}{{x}}",
                      R"({"x": "root", "a": {"x": "a", "b": {"y": "b"}}, "b": {"y": "rootb"}})");
  // A dotted name must resolve completely in one scope; kainjow then looks further out.
  ExpectSameAsKainjow("{{#a}}{{c.d}}{{/a}}", R"({"a": {"c": {"e": 1}}, "c": {"d": "outer"}})");
  ExpectSameAsKainjow("{{#a}}{{#c.d}}yes{{/c.d}}{{/a}}",
                      R"({"a": {"c": {"d": false}}, "c": {"d": "outer"}})");
  ExpectSameAsKainjow("{{a.}}{{.a}}{{a..b}}{{}}", R"({"a": "x", "": {"a": "empty"}})");
}

TEST(MustacheTest, BlankLinesAroundSectionsLikeKainjow) {
  const std::string data = R"({"yes": true, "no": false, "list": [{"v": "1"}, {"v": "2"}], "empty": [],
      "blank": " ", "text": "t"})";
  for (const std::string text : {
           "a\n{{#yes}}\nin\n{{/yes}}\nb\n",
           "a\n  {{#no}}\nin\n  {{/no}}\nb\n",
           "a\n  {{^no}}\nin\n  {{/no}}\nb\n",
           "<ul>\n  {{#list}}\n  <li>{{v}}</li>\n  {{/list}}\n</ul>\n",
           "<ul>\n  {{#empty}}\n  <li>{{v}}</li>\n  {{/empty}}\n</ul>\n",
           "x {{#yes}}{{/yes}} \ny\n",
           "\t{{#yes}}{{blank}}{{/yes}}\t\r\nz\rw\r\n",
           "{{#yes}}{{text}}{{/yes}}\n{{#no}}{{/no}}  \n{{missing}}  \n",
           "  {{! a comment }}  \nq\n",
           "{{#list}}\n{{v}}\n{{/list}}",
           "{{#yes}}\n  \n{{/yes}}\n",
           "end without a line break {{#yes}}  {{/yes}}  ",
       }) {
    ExpectSameAsKainjow(text, data);
  }
}

TEST(MustacheTest, PartialsRenderInTheirPlaceWithTheSameScope) {
  const std::map<std::string, std::string> partials = {
      {"card", "<p>{{title}} {{outer}}</p>\n{{#tags}}\n  <i>{{.}}</i>\n{{/tags}}\n"},
      {"grid", "<div>\n{{#books}}\n{{>card}}\n{{/books}}\n</div>"},
      {"empty", ""}};
  const std::string data = R"({"outer": "o", "books": [{"title": "A", "tags": ["x", "y"]}, {"title": "B & C",
      "tags": []}]})";
  ExpectSameAsKainjow("top\n  {{>grid}}\nbottom\n", data, partials);
  ExpectSameAsKainjow("{{#books}}{{>card}}{{/books}}|{{>empty}}|{{>missing}}|", data, partials);
  ExpectSameAsKainjow("  {{#outer}}\n{{>grid}}\n  {{/outer}}\n", data, partials);
}

TEST(MustacheTest, RefusesWhatItDoesNotSupport) {
  for (const std::string text : {"{{{raw}}}", "{{& raw}}", "{{=<% %>=}}", "{{#a}}", "{{/a}}", "{{#a}}{{/b}}",
                                 "{{#a}}{{#b}}{{/a}}{{/b}}", "{{unclosed", "x {{"}) {
    EXPECT_THROW(mustache::Template("bad", text), std::runtime_error) << text;
  }
}

// ----------------------------------------------------------------------------------- the pages

json::object Book(std::int64_t id, std::int64_t stock) {
  return json::object{{"id", id},
                      {"url", "/books/" + std::to_string(id)},
                      {"title", id % 2 == 0 ? std::string(kHostileText) : "Cien años de soledad"},
                      {"author", "Gabriel García Márquez"},
                      {"description", "Primera edición & \"firmada\""},
                      {"has_description", id % 3 != 0},
                      {"price", "$12.50"},
                      {"price_input", "12.50"},
                      {"seller_name", "Librería <Núñez>"},
                      {"seller_id", 7},
                      {"is_mine", id == 4},
                      {"stock", stock},
                      {"stock_label", stock > 0 ? "Only 3 left" : "Sold out"},
                      {"in_stock", stock > 0},
                      {"low_stock", stock > 0 && stock <= 3},
                      {"sold_out", stock <= 0},
                      {"max_quantity", std::max<std::int64_t>(stock, 1)},
                      {"cover", "cover-" + std::to_string(id % 8)},
                      {"initial", "C"},
                      {"in_cart", id == 2 ? 1 : 0},
                      {"is_in_cart", id == 2},
                      {"listed", "1 Mar 2026"},
                      {"quantity", 2},
                      {"line_total", "$25.00"},
                      {"over_stock", id == 3}};
}

json::array Books(int count) {
  json::array books;
  for (int i = 1; i <= count; ++i) books.push_back(Book(i, i % 4));
  return books;
}

// Everything some page shows, for a logged-in admin with a flash, errors and a cart.
json::object FullData() {
  const AssetCatalog assets;
  json::object order{{"id", 31},
                     {"url", "/orders/31"},
                     {"status", "awaiting_payment"},
                     {"status_label", "Awaiting payment"},
                     {"is_awaiting_payment", true},
                     {"can_cancel", true},
                     {"created", "2 Mar 2026"},
                     {"copies", "2 copies"},
                     {"has_total", true},
                     {"total", "$25.00"},
                     {"items", Books(2)}};
  return json::object{
      {"page_title", kHostileText},
      {"assets", assets.TemplateUrls()},
      {"csrf", "CSRF-TOKEN-123"},
      {"return_to", "/books?q=a&b=<c>"},
      {"logged_in", true},
      {"user", json::object{{"name", kHostileText}, {"id", 1}, {"is_admin", true}}},
      {"cart_count", 3},
      {"cart_has_items", true},
      {"nav_catalog", true},
      {"live", "books"},
      {"flash", json::object{{"kind", "error"}, {"text", kHostileText}, {"is_error", true}}},
      {"books", Books(10)},
      {"has_books", true},
      {"total", 101002},
      {"total_is_one", false},
      {"showing_from", 13},
      {"showing_to", 24},
      {"heading", kHostileText},
      {"query",
       json::object{{"q", kHostileText}, {"author", "Borges"}, {"in_stock", true}, {"filtered", true}}},
      {"sort_options",
       json::array{json::object{{"value", "newest"}, {"label", "Newest"}, {"selected", true}},
                   json::object{{"value", "title"}, {"label", "Title"}, {"selected", false}}}},
      {"pagination",
       json::object{
           {"pages", json::array{json::object{{"number", 1}, {"url", "/books"}, {"current", false}},
                                 json::object{{"gap", true}},
                                 json::object{{"number", 2}, {"url", "/books?page=2"}, {"current", true}}}},
           {"prev_url", "/books"},
           {"next_url", nullptr}}},
      {"book", Book(4, 2)},
      {"author_url", "/books?author=Gabriel%20Garc%C3%ADa"},
      {"sellers",
       json::array{json::object{{"seller_name", "A"}, {"lines", Books(2)}, {"subtotal", "$9.00"}},
                   json::object{{"seller_name", kHostileText}, {"lines", Books(1)}, {"subtotal", "$1.00"}}}},
      {"has_items", true},
      {"several_sellers", true},
      {"copies", "3 copies"},
      {"estimated_total", "$10.00"},
      {"over_stock", true},
      {"checkout_key", "KEY"},
      {"orders", json::array{order, order}},
      {"has_orders", true},
      {"order", order},
      {"payment_methods",
       json::array{json::object{{"value", "paypal"}, {"label", "PayPal"}, {"checked", true}}}},
      {"values", json::object{{"title", kHostileText}, {"email", "a@b.c"}, {"price", "abc"}}},
      {"errors", json::object{{"price", "Enter a price."}, {"email", kHostileText}}},
      {"has_errors", true},
      {"status", 404},
      {"message", kHostileText},
      {"is_not_found", true},
      {"users",
       json::array{json::object{{"id", 1}, {"name", kHostileText}, {"email", "x@y"}, {"role", "admin"}}}},
      {"next", "/cart"},
      {"register_url", "/register?next=%2Fcart"},
      {"action", "/sell"},
  };
}

// An anonymous visitor, nothing found.
json::object SparseData() {
  const AssetCatalog assets;
  return json::object{{"page_title", "Home"},
                      {"assets", assets.TemplateUrls()},
                      {"csrf", "T"},
                      {"logged_in", false},
                      {"cart_count", 0},
                      {"cart_has_items", false},
                      {"live", ""},
                      {"return_to", "/"},
                      {"books", json::array()},
                      {"has_books", false},
                      {"total", 0},
                      {"load_error", ""}};
}

TEST(MustacheTest, EveryPageRendersTheBytesKainjowRendered) {
  const Renderer renderer;
  for (const auto& page : PageNames()) {
    for (const auto& data : {FullData(), SparseData(), json::object{}}) {
      EXPECT_EQ(renderer.RenderPage(page, data), KainjowPage(page, data)) << page;
    }
  }
}

// Every name the templates use ({{name}}, {{#name}}, {{^name}}, with their dotted parts).
std::vector<std::string> TemplateNames() {
  std::set<std::string> names;
  const std::regex tag(R"(\{\{[#^]?\s*([A-Za-z0-9_.]+)\s*\}\})");
  for (const auto& [path, text] : EmbeddedTexts()) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), tag); it != std::sregex_iterator(); ++it) {
      std::string name = (*it)[1].str();
      for (std::size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
        names.insert(name.substr(0, dot));
        names.insert(name.substr(dot + 1));
      }
      names.insert(name);
    }
  }
  return {names.begin(), names.end()};
}

// A random value of any kind kainjow distinguishes, objects and lists made of the templates' names.
json::value RandomValue(std::mt19937& random, const std::vector<std::string>& names, int depth) {
  const int kinds = depth > 0 ? 11 : 8;
  switch (std::uniform_int_distribution<int>(0, kinds - 1)(random)) {
    case 0:
      return nullptr;
    case 1:
      return true;
    case 2:
      return false;
    case 3:
      return std::uniform_int_distribution<std::int64_t>(-5, 5)(random);
    case 4:
      return 2.5;
    case 5:
      return "";
    case 6:
      return json::string(kHostileText);
    case 7:
      return "  ";
    case 8:
      return json::array();
    case 9: {
      json::array list;
      const int items = std::uniform_int_distribution<int>(1, 3)(random);
      for (int i = 0; i < items; ++i) list.push_back(RandomValue(random, names, depth - 1));
      return list;
    }
    default: {
      json::object object;
      const int members = std::uniform_int_distribution<int>(0, 12)(random);
      for (int i = 0; i < members; ++i) {
        const auto& name = names[std::uniform_int_distribution<std::size_t>(0, names.size() - 1)(random)];
        object[name] = RandomValue(random, names, depth - 1);
      }
      return object;
    }
  }
}

TEST(MustacheTest, EveryPageMatchesKainjowOnRandomData) {
  const Renderer renderer;
  const auto names = TemplateNames();
  const auto pages = PageNames();
  std::mt19937 random(17);  // fixed: the same data sets every run
  for (int round = 0; round < 300; ++round) {
    json::object data;
    for (const auto& name : names) {
      if (std::uniform_int_distribution<int>(0, 2)(random) != 0) data[name] = RandomValue(random, names, 3);
    }
    for (const auto& page : pages) {
      ASSERT_EQ(renderer.RenderPage(page, data), KainjowPage(page, data))
          << page << " with " << json::serialize(data);
    }
  }
}

}  // namespace
}  // namespace bookstore::web
