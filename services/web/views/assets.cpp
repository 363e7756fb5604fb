#include "views/assets.h"

#include <stdexcept>

#include "views/embedded.h"

namespace bookstore::web {
namespace {

std::string ContentTypeOf(std::string_view path) {
  auto ends_with = [path](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends_with(".css")) {
    return "text/css; charset=utf-8";
  }
  if (ends_with(".js")) {
    return "text/javascript; charset=utf-8";
  }
  if (ends_with(".svg")) {
    return "image/svg+xml";
  }
  return "application/octet-stream";
}

std::string HashedPath(std::string_view path, std::string_view hash) {
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos) {
    return std::string(path) + "." + std::string(hash);
  }
  return std::string(path.substr(0, dot)) + "." + std::string(hash) + std::string(path.substr(dot));
}

}  // namespace

AssetCatalog::AssetCatalog() {
  for (const auto& file : EmbeddedAssets()) {
    assets_.push_back(Asset{.path = std::string(file.path),
                            .hashed_path = HashedPath(file.path, file.hash),
                            .content = file.content,
                            .content_type = ContentTypeOf(file.path),
                            .etag = "\"" + std::string(file.hash) + "\""});
  }
  template_urls_ = {{"css", Url("store.css")}, {"js", Url("live.js")}, {"logo", Url("logo.svg")}};
}

const Asset* AssetCatalog::Find(std::string_view name) const {
  for (const auto& asset : assets_) {
    if (asset.hashed_path == name || asset.path == name) {
      return &asset;
    }
  }
  return nullptr;
}

std::string AssetCatalog::Url(std::string_view path) const {
  for (const auto& asset : assets_) {
    if (asset.path == path) {
      return "/static/" + asset.hashed_path;
    }
  }
  throw std::out_of_range("no embedded asset " + std::string(path));
}

}  // namespace bookstore::web
