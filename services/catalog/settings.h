#pragma once
// Every setting of catalog, read from the environment (libs/config: NAME or NAME_FILE; --help lists them
// all).

#include <chrono>
#include <string>

#include "bookstore/authn/authn.h"
#include "bookstore/service/settings.h"
#include "handlers/book_answers.h"

namespace bookstore::config {
class Env;
}  // namespace bookstore::config

namespace bookstore::catalog {

struct Settings : service::BackendSettings {
  authn::Settings tokens;
  std::chrono::seconds shared_cache_max_age{30};
  handlers::BookAnswers::Options book_answers;
};

// Declares and reads every setting; problems are reported by env.Finish().
Settings ReadSettings(config::Env& env);

}  // namespace bookstore::catalog
