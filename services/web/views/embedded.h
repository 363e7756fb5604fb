#pragma once
// Templates and static assets compiled into the binary (web_embed_files in CMakeLists.txt), so that the
// Docker image is a single file.

#include <string_view>
#include <vector>

namespace bookstore::web {

struct EmbeddedFile {
  std::string_view path;  // relative to its folder, e.g. "pages/home.mustache", "store.css"
  std::string_view content;
  std::string_view hash;  // first 12 hex digits of the content's SHA-256
};

// services/web/templates/**/*.mustache
const std::vector<EmbeddedFile>& EmbeddedTemplates();
// services/web/assets/*
const std::vector<EmbeddedFile>& EmbeddedAssets();

}  // namespace bookstore::web
