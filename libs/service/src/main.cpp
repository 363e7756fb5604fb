#include "bookstore/service/main.h"

#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

namespace bookstore::service {

int RunReportingFailures(std::string_view component, const std::function<int()>& run) {
  try {
    return run();
  } catch (const std::invalid_argument& e) {
    // Also on stderr: the operator starting it by hand reads this first.
    std::cerr << component << ": " << e.what() << "\n";
    log::Error("invalid setting", {{"error", e.what()}});
    return 2;
  } catch (const std::exception& e) {
    log::Error(std::string(component) + " failed", {{"error", e.what()}});
    return 1;
  }
}

}  // namespace bookstore::service
