#pragma once
// The settings every backend service (auth, catalog, orders) declares the same way: its server
// (http::ReadServerOptions), its database (db::ReadOptions) and its broker (bus::Options::FromEnv). A
// service's Settings derive from BackendSettings and add its own; LOG_LEVEL and LOG_FLUSH_INTERVAL are
// read by service::Main for every component.

#include <string>

#include "bookstore/bus/options.h"
#include "bookstore/config/env.h"
#include "bookstore/db/options.h"
#include "bookstore/http/server.h"

namespace bookstore::service {

struct BackendSettings {
  http::ServerOptions server;
  db::Options db;
  bus::Options bus;
};

struct BackendDefaults {
  std::string name;  // the default database name, and the broker client's name
  int port = 0;
  int admin_port = 0;
};

// Declares and reads them into `settings`; problems are reported by env.Finish().
void ReadBackendSettings(config::Env& env, const BackendDefaults& defaults, BackendSettings& settings);

}  // namespace bookstore::service
