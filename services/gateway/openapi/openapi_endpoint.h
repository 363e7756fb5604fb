#pragma once
// GET /openapi.json: the public API's contract (docs/openapi.yaml, as JSON), served by the gateway itself
// so that a client reads the API it is talking to. The document is compiled into the binary (rendered
// at build time by cmake/render_openapi.py); the web store's /api page is the readable form of it.

#include <vector>

#include "bookstore/embed/embedded_file.h"
#include "bookstore/http/server.h"

namespace bookstore::gateway {

// The rendered document, one file "openapi.json" (CMakeLists.txt).
const std::vector<EmbeddedFile>& EmbeddedApiDocument();

// Registers GET /openapi.json: the document with an ETag (its hash), revalidated by clients (304).
void AddOpenApiRoute(http::Server& server);

}  // namespace bookstore::gateway
