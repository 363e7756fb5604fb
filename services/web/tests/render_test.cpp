#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <regex>

#include "tests/hostile_text.h"
#include "views/assets.h"
#include "views/embedded.h"
#include "views/renderer.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

json::object BaseData() {
  const AssetCatalog assets;
  return json::object{{"page_title", "Test"},
                      {"assets", assets.TemplateUrls()},
                      {"csrf", "CSRF-TOKEN-123"},
                      {"return_to", "/books"},
                      {"logged_in", true},
                      {"user", json::object{{"name", kHostileText}, {"id", 1}, {"is_admin", true}}},
                      {"cart_count", 2},
                      {"cart_has_items", true}};
}

json::object EvilBook() {
  return json::object{{"id", 5},
                      {"url", "/books/5"},
                      {"title", kHostileText},
                      {"author", kHostileText},
                      {"description", kHostileText},
                      {"has_description", true},
                      {"price", "$12.50"},
                      {"seller_name", kHostileText},
                      {"stock", 3},
                      {"stock_label", "Only 3 left"},
                      {"in_stock", true},
                      {"low_stock", true},
                      {"sold_out", false},
                      {"cover", "cover-5"},
                      {"initial", "<"},
                      {"max_quantity", 3},
                      {"listed", "1 Mar 2026"}};
}

void ExpectNoRawEvil(const std::string& html) {
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("' onmouseover='"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), std::string::npos);
}

TEST(RendererTest, EveryEmbeddedTemplateLoads) {
  EXPECT_NO_THROW(Renderer());
  EXPECT_GE(EmbeddedTemplates().size(), 12U);
}

TEST(RendererTest, NoTemplateWritesUnescapedOutput) {
  for (const auto& file : EmbeddedTemplates()) {
    EXPECT_EQ(file.content.find("{{{"), std::string_view::npos) << file.path;
    EXPECT_EQ(file.content.find("{{&"), std::string_view::npos) << file.path;
  }
}

TEST(RendererTest, EscapesUserDataOnTheCatalogPage) {
  const Renderer renderer;
  json::object data = BaseData();
  data["books"] = json::array{EvilBook()};
  data["has_books"] = true;
  data["heading"] = kHostileText;
  data["query"] = json::object{{"q", kHostileText}, {"author", kHostileText}, {"filtered", true}};
  const std::string html = renderer.RenderPage("catalog", data);
  ExpectNoRawEvil(html);
  EXPECT_NE(html.find("$12.50"), std::string::npos);
  EXPECT_NE(html.find(R"(data-stock-for="5")"), std::string::npos);
}

TEST(RendererTest, EscapesUserDataOnTheBookPage) {
  const Renderer renderer;
  json::object data = BaseData();
  data["book"] = EvilBook();
  data["author_url"] = "/books?author=%3Cscript%3E";
  const std::string html = renderer.RenderPage("book", data);
  ExpectNoRawEvil(html);
  EXPECT_NE(html.find(R"(data-book-id="5")"), std::string::npos);
  EXPECT_NE(html.find(R"(max="3")"), std::string::npos);
}

TEST(RendererTest, FieldErrorsAreTiedToTheirFields) {
  const Renderer renderer;
  json::object data = BaseData();
  data["values"] = json::object{{"title", kHostileText}, {"price", "abc"}, {"stock", "1"}};
  data["errors"] = json::object{{"price", "Enter a price such as 12.50."}};
  data["action"] = "/sell";
  const std::string html = renderer.RenderPage("sell", data);
  ExpectNoRawEvil(html);
  EXPECT_NE(html.find(R"(aria-describedby="price-hint price-error" aria-invalid="true")"), std::string::npos)
      << html;
  EXPECT_NE(html.find(R"(<p class="field-error" id="price-error">Enter a price such as 12.50.</p>)"),
            std::string::npos);
  EXPECT_EQ(html.find("title-error"), std::string::npos) << "no error on a valid field";
}

TEST(RendererTest, TheLayoutShowsTheUserAndAdminLinks) {
  const Renderer renderer;
  json::object data = BaseData();
  data["status"] = 404;
  data["message"] = kHostileText;
  data["flash"] = json::object{{"kind", "error"}, {"text", kHostileText}, {"is_error", true}};
  const std::string html = renderer.RenderPage("error", data);
  ExpectNoRawEvil(html);
  EXPECT_NE(html.find(R"(href="/admin/users")"), std::string::npos);
  EXPECT_NE(html.find(R"(role="alert")"), std::string::npos);
  EXPECT_NE(html.find("Log out"), std::string::npos);
  data["user"].as_object()["is_admin"] = false;
  EXPECT_EQ(renderer.RenderPage("error", data).find("/admin/users"), std::string::npos);
}

// Every POST form of every page carries the session's CSRF token.
TEST(RendererTest, EveryPostFormCarriesTheCsrfToken) {
  const Renderer renderer;
  json::object data = BaseData();
  data["book"] = EvilBook();
  data["books"] = json::array{EvilBook()};
  data["has_books"] = true;
  data["has_items"] = true;
  data["sellers"] = json::array{json::object{{"seller_name", "s"}, {"lines", json::array{EvilBook()}}}};
  data["has_orders"] = true;
  json::object order{{"id", 3},
                     {"status", "awaiting_payment"},
                     {"is_awaiting_payment", true},
                     {"can_cancel", true},
                     {"items", json::array{}}};
  data["order"] = order;
  data["payment_methods"] = json::array{json::object{{"value", "paypal"}, {"label", "PayPal"}}};
  const std::regex post_form(R"(<form[^>]*method="post"[^>]*>([\s\S]*?)</form>)");
  int forms = 0;
  for (const auto& file : EmbeddedTemplates()) {
    std::string name(file.path);
    if (!name.starts_with("pages/")) continue;
    name = name.substr(6, name.size() - 6 - std::string_view(".mustache").size());
    const std::string html = renderer.RenderPage(name, data);
    for (auto it = std::sregex_iterator(html.begin(), html.end(), post_form); it != std::sregex_iterator();
         ++it) {
      ++forms;
      EXPECT_NE((*it)[1].str().find(R"(name="_csrf" value="CSRF-TOKEN-123")"), std::string::npos)
          << name << ": " << (*it)[0].str();
    }
  }
  EXPECT_GE(forms, 10);
}

TEST(AssetCatalogTest, ServesHashedNamesAndLinksThem) {
  const AssetCatalog assets;
  const std::string css = assets.Url("store.css");
  EXPECT_TRUE(std::regex_match(css, std::regex(R"(/static/store\.[0-9a-f]{12}\.css)"))) << css;
  const Asset* by_hash = assets.Find(css.substr(8));
  ASSERT_NE(by_hash, nullptr);
  EXPECT_EQ(by_hash, assets.Find("store.css"));
  EXPECT_EQ(by_hash->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(assets.Find("live.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(assets.Find("logo.svg")->content_type, "image/svg+xml");
  EXPECT_EQ(assets.Find("../etc/passwd"), nullptr);
}

}  // namespace
}  // namespace bookstore::web
