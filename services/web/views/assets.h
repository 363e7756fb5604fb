#pragma once
// The static assets (CSS, JS, SVG) compiled into the binary, served under content-hashed names
// ("/static/store.0123456789ab.css") so that browsers may cache them for a year: a new build of a file
// gets a new name. Each also has an ETag (its hash) for revalidation under the plain name.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::web {

struct Asset {
  std::string path;         // "store.css"
  std::string hashed_path;  // "store.0123456789ab.css"
  std::string_view content;
  std::string content_type;  // "text/css; charset=utf-8"
  std::string etag;          // "\"0123456789ab\""
};

class AssetCatalog {
 public:
  AssetCatalog();

  // By the hashed name (long-lived caching) or the plain name (revalidated with the ETag); nullptr
  // when there is no such asset.
  [[nodiscard]] const Asset* Find(std::string_view name) const;
  // "/static/<hashed name>" of a plain name; throws std::out_of_range for an unknown asset.
  [[nodiscard]] std::string Url(std::string_view path) const;
  // The URLs the layout links to: {"css": ..., "js": ..., "logo": ...} (made once: every page uses it).
  [[nodiscard]] const boost::json::object& TemplateUrls() const { return template_urls_; }

 private:
  std::vector<Asset> assets_;
  boost::json::object template_urls_;
};

}  // namespace bookstore::web
