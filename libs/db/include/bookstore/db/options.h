#pragma once
// db::Options from the environment, through libs/config (each NAME may also be given as NAME_FILE).

#include <string>

#include "bookstore/config/env.h"
#include "bookstore/db/db.h"

namespace bookstore::db {

// Declares and reads DB_HOST (127.0.0.1), DB_PORT (3306), DB_NAME (default_database), DB_USER
// (default_database: each service has a user named like its database), DB_PASSWORD (secret, empty by
// default), DB_POOL_SIZE (8) and DB_CONNECT_TIMEOUT (3s). Problems are reported by env.Finish().
Options ReadOptions(config::Env& env, const std::string& default_database);

}  // namespace bookstore::db
