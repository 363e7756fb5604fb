#include "session/csrf.h"

#include <sodium.h>

namespace bookstore::web {

bool CsrfTokenValid(const Session& session, std::optional<std::string_view> submitted) {
  if (!submitted || session.csrf.empty() || submitted->size() != session.csrf.size()) {
    return false;
  }
  return sodium_memcmp(submitted->data(), session.csrf.data(), session.csrf.size()) == 0;
}

}  // namespace bookstore::web
