#pragma once
// Templates and static assets compiled into the binary (bookstore_embed_files in CMakeLists.txt), so that
// the Docker image is a single file.

#include <vector>

#include "bookstore/embed/embedded_file.h"

namespace bookstore::web {

// services/web/templates/**/*.mustache
const std::vector<EmbeddedFile>& EmbeddedTemplates();
// Templates the build makes: pages/api.mustache, the API reference (cmake/render_openapi.py).
const std::vector<EmbeddedFile>& EmbeddedBuiltTemplates();
// services/web/assets/*
const std::vector<EmbeddedFile>& EmbeddedAssets();

}  // namespace bookstore::web
