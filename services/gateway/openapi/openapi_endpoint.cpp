#include "openapi/openapi_endpoint.h"

#include <stdexcept>
#include <string>

namespace bookstore::gateway {
namespace {

struct ApiDocument {
  std::string body;
  std::string etag;
};

const ApiDocument& Document() {
  static const ApiDocument kDocument = [] {
    const auto& files = EmbeddedApiDocument();
    if (files.size() != 1) throw std::logic_error("the gateway embeds exactly one API document");
    return ApiDocument{std::string(files.front().content), "\"" + std::string(files.front().hash) + "\""};
  }();
  return kDocument;
}

}  // namespace

void AddOpenApiRoute(http::Server& server) {
  const ApiDocument& document = Document();  // at start-up: a build without it fails here, not on a request
  server.Get("/openapi.json", [&document](http::Context& ctx) -> http::Awaitable<http::Response> {
    co_return http::RevalidatedResponse(ctx.request(), document.body, document.etag, "application/json",
                                        "public, no-cache");
  });
}

}  // namespace bookstore::gateway
