#pragma once
// The main() of every component:
//
//   int main(int argc, char** argv) {
//     return bookstore::service::Main("catalog", argc, argv, catalog::ReadSettings, catalog::Run);
//   }
//
// Settings come from the environment (ReadSettings declares them; --help prints them, a missing or
// invalid one stops the process with exit 2), logs are JSON lines named after the component (the
// settings' log_level), then Run(settings) runs until the server drained. What escapes Run: a
// std::invalid_argument is a setting only the component could judge (a malformed URL, key or CIDR
// range): exit 2; anything else is logged as "<component> failed": exit 1.

#include <functional>
#include <string_view>

#include "bookstore/config/env.h"
#include "bookstore/log/log.h"

namespace bookstore::service {

// Runs `run`, reporting what escapes it as above; its exit code otherwise.
int RunReportingFailures(std::string_view component, const std::function<int()>& run);

template <typename ReadSettings, typename RunService>
int Main(const char* component, int argc, char** argv, ReadSettings read_settings, RunService run) {
  config::Env env(component, argc, argv);
  const auto settings = read_settings(env);
  env.Finish();
  log::Init(component, settings.log_level);
  return RunReportingFailures(component, [&] { return run(settings); });
}

}  // namespace bookstore::service
