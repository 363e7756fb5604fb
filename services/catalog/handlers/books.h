#pragma once
// The book endpoints of docs/design.md §2:
//   GET    /books        anyone   search: q, author, seller_id, in_stock, sort, limit, offset; X-Total-Count
//   GET    /books/{id}   anyone
//   POST   /books        user     the seller is the caller (a seller_id in the body must be the caller's:
//   403) PUT    /books/{id}   owner or admin; any subset of the fields DELETE /books/{id}   owner or admin;
//   soft delete
// Checks run in this order: a path id that is not a positive integer is 404 first (no such resource,
// whoever asks); then 401 (no or bad token), 400 (body or parameters), 404, 403.
// The 200 answers of both GETs are the same for every caller and say so: Cache-Control "public,
// max-age=0, s-maxage=<shared_cache_max_age>" (the gateway's response cache keeps them, book.* events
// drop them); every other answer carries no Cache-Control. GET /books/{id} is answered from memory when
// it can be (book_answers.h).

#include <chrono>

#include "bookstore/authn/authn.h"
#include "bookstore/db/db.h"
#include "bookstore/http/server.h"
#include "domain/search.h"
#include "handlers/book_answers.h"

namespace bookstore::catalog::handlers {

struct BookRoutesDeps {
  db::Pool& pool;
  authn::Authenticator& authenticator;
  BookAnswers& answers;  // GET /books/{id} answers kept in memory; PUT and DELETE drop theirs
  std::chrono::seconds shared_cache_max_age{30};  // CATALOG_SHARED_CACHE_SECONDS
};

void AddBookRoutes(http::Server& server, BookRoutesDeps deps);

// The search parameters of GET /books (q, author, seller_id, in_stock, sort, limit, offset). Throws
// ValidationError or http::Error 400 naming the parameter. Public for fuzz/search_query.cpp.
SearchQuery ReadSearchQuery(const http::Context& ctx);

}  // namespace bookstore::catalog::handlers
