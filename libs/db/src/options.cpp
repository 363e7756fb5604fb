#include "bookstore/db/options.h"

namespace bookstore::db {

Options ReadOptions(config::Env& env, const std::string& default_database) {
  Options o;
  o.host = env.String("DB_HOST", o.host, "MariaDB host name or address");
  o.port = static_cast<int>(env.Int("DB_PORT", 3306, 1, 65535, "MariaDB TCP port"));
  o.database = env.String("DB_NAME", default_database, "database of this service");
  o.user = env.String("DB_USER", default_database, "MariaDB user of this service");
  o.password = env.Secret("DB_PASSWORD", "", "password of DB_USER");
  o.pool_size = static_cast<int>(env.Int("DB_POOL_SIZE", o.pool_size, 1, 256,
                                         "database connections (and threads running database calls)"));
  o.connect_timeout = env.Duration("DB_CONNECT_TIMEOUT", o.connect_timeout,
                                   "time allowed to open one database connection (e.g. 3s)");
  return o;
}

}  // namespace bookstore::db
