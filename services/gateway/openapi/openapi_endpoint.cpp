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
    if (ctx.request()[http::Field::if_none_match] == document.etag) {
      http::Response not_modified{http::Status::not_modified, 11};
      not_modified.set(http::Field::etag, document.etag);
      co_return not_modified;
    }
    auto response = http::TextResponse(document.body, http::Status::ok, "application/json");
    response.set(http::Field::etag, document.etag);
    response.set(http::Field::cache_control, "public, no-cache");
    co_return response;
  });
}

}  // namespace bookstore::gateway
