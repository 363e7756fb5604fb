// GET /static/{name}: the embedded CSS, JS and SVG. Hashed names are cached for a year (a new build
// changes the name); plain names revalidate with the ETag.

#include "bookstore/http/error.h"
#include "handlers/routes.h"

namespace bookstore::web {
namespace {

http::Response ServeAsset(const http::Context& ctx, const Asset& asset, bool immutable) {
  return http::RevalidatedResponse(ctx.request(), asset.content, asset.etag, asset.content_type,
                                   immutable ? "public, max-age=31536000, immutable" : "public, no-cache");
}

http::Awaitable<http::Response> StaticAsset(http::Context& ctx, const AssetCatalog& assets) {
  const std::string name = ctx.Param("name");
  const Asset* asset = assets.Find(name);
  if (asset == nullptr) {
    throw http::NotFound("There is no such file.");
  }
  co_return ServeAsset(ctx, *asset, asset->hashed_path == name);
}

http::Awaitable<http::Response> Favicon(http::Context& ctx, const AssetCatalog& assets) {
  co_return ServeAsset(ctx, *assets.Find("logo.svg"), false);
}

}  // namespace

void AddAssetRoutes(http::Server& server, const AssetCatalog& assets) {
  server.Get("/static/{name}", WithDeps<StaticAsset>(assets));
  server.Get("/favicon.ico", WithDeps<Favicon>(assets));
}

}  // namespace bookstore::web
