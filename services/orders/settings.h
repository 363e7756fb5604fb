#pragma once
// Every setting of orders, read from the environment (libs/config: NAME or NAME_FILE; --help lists them
// all).

#include <chrono>
#include <string>

#include "bookstore/authn/authn.h"
#include "bookstore/service/settings.h"
#include "domain/order_limits.h"

namespace bookstore::config {
class Env;
}  // namespace bookstore::config

namespace bookstore::orders {

struct Settings : service::BackendSettings {
  authn::Settings tokens;
  std::chrono::milliseconds confirm_timeout{3000};
  std::chrono::milliseconds payment_timeout{15 * 60 * 1000};
  std::chrono::milliseconds sweep_interval{5000};
  OrderLimits limits;
};

// Declares and reads every setting; problems are reported by env.Finish().
Settings ReadSettings(config::Env& env);

}  // namespace bookstore::orders
