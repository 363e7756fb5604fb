// GET /api: the public API's reference for developers, the page cmake/render_openapi.py makes from
// docs/openapi.yaml at build time (templates/pages/api in the build folder), inside the store's layout.

#include "handlers/routes.h"

namespace bookstore::web {
namespace {

http::Awaitable<http::Response> ApiReferencePage(http::Context& ctx, const WebDeps& deps) {
  co_return RenderPage(ctx, deps, {.page = "api", .title = "API reference", .nav = "api"}, {});
}

}  // namespace

void AddApiReferencePage(http::Server& server, const WebDeps& deps) {
  server.Get("/api", WithDeps<ApiReferencePage>(deps));
}

}  // namespace bookstore::web
