#pragma once
// Every page of the store, by group (one file each in handlers/):
//   assets.cpp   GET /static/{name}, /favicon.ico
//   books.cpp    GET /, /books (search, filters, sort, pages), /books/{id}
//   account.cpp  GET|POST /register, /login; POST /logout
//   selling.cpp  GET|POST /sell; GET /my/books; GET|POST /my/books/{id}/edit; POST /my/books/{id}/delete
//   cart.cpp     GET /cart; POST /cart/add, /cart/update, /cart/remove, /checkout
//   orders.cpp   GET /orders, /orders/{id}; POST /orders/{id}/pay, /orders/{id}/delivery, /orders/{id}/cancel
//   admin.cpp    GET /admin/users
//   events.cpp   GET /events (the gateway's live events, proxied with the session's token)
//   api_reference.cpp  GET /api (the API reference, rendered from docs/openapi.yaml at build time)

#include "bookstore/http/server.h"
#include "handlers/common.h"

namespace bookstore::web {

// A page handler `kPage(ctx, deps)` with its dependencies bound, as http::Server takes it:
// server.Get("/", WithDeps<HomePage>(deps)). `deps` must outlive the server.
template <auto kPage, typename Deps>
auto WithDeps(const Deps& deps) {
  return [&deps](http::Context& ctx) { return kPage(ctx, deps); };
}

void AddAssetRoutes(http::Server& server, const AssetCatalog& assets);
void AddBookPages(http::Server& server, const WebDeps& deps);
void AddAccountPages(http::Server& server, const WebDeps& deps);
void AddSellingPages(http::Server& server, const WebDeps& deps);
void AddCartPages(http::Server& server, const WebDeps& deps);
void AddOrderPages(http::Server& server, const WebDeps& deps);
void AddAdminPages(http::Server& server, const WebDeps& deps);
void AddEventStream(http::Server& server, const WebDeps& deps);
void AddApiReferencePage(http::Server& server, const WebDeps& deps);

}  // namespace bookstore::web
