#include "bookstore/service/settings.h"

namespace bookstore::service {

void ReadBackendSettings(config::Env& env, const BackendDefaults& defaults, BackendSettings& settings) {
  settings.server = http::ReadServerOptions(env, defaults.port, defaults.admin_port);
  settings.db = db::ReadOptions(env, defaults.name);
  settings.bus = bus::Options::FromEnv(env, defaults.name);
}

}  // namespace bookstore::service
