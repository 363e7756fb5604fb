#pragma once
// A file compiled into a binary by bookstore_embed_files() (cmake/Bookstore.cmake), so that a Docker
// image is a single executable: the services' SQL migrations, web's templates and static assets.

#include <string_view>

namespace bookstore {

struct EmbeddedFile {
  std::string_view
      path;  // relative to the embedded folder, e.g. "0001_create_books.sql", "pages/home.mustache"
  std::string_view content;
  std::string_view hash;  // the first 12 hex digits of the content's SHA-256 (cache-busting names, ETags)
};

}  // namespace bookstore
