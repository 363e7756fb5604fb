// A helper for the orders system tests (tests/system/test_orders_*.py), doing what the tests cannot do
// from Python alone (there is no AMQP client among Debian's python3 packages):
//
//   orders-test-tool publish-raw <routing-key> <message-id> <body>
//       publishes the bytes as they are, with that message id, on the events exchange of
//       AMQP_NAME_PREFIX (AMQP_URL from the environment): e.g. an order.placed a second time, with the
//       id it had the first time, as a relay that crashed before marking it sent would;
//   orders-test-tool delete-topology
//       deletes the exchanges and queues of AMQP_NAME_PREFIX (a test's own topology) after the test.

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "bookstore/bus/admin.h"
#include "bookstore/bus/options.h"

namespace {

namespace bus = bookstore::bus;

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): single-threaded tool
  return value != nullptr ? value : fallback;
}

bus::Options BusOptions() {
  bus::Options options;
  options.url = Env("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/");
  options.client_name = "orders-test-tool";
  options.topology = bus::Topology::Default(Env("AMQP_NAME_PREFIX", ""));
  return options;
}

int PublishRaw(const std::string& routing_key, const std::string& message_id, const std::string& body) {
  bus::BrokerAdmin admin(BusOptions());
  admin.DeclareTopology();
  admin.PublishRaw(routing_key, body, message_id);
  return 0;
}

int DeleteTopology() {
  if (Env("AMQP_NAME_PREFIX", "").empty()) {
    std::cerr << "orders-test-tool: refusing to delete the unprefixed (real) topology\n";
    return 2;
  }
  bus::BrokerAdmin(BusOptions()).DeleteTopology();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(
      argv + 1, argv + argc);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  try {
    if (args.size() == 4 && args[0] == "publish-raw") {
      return PublishRaw(args[1], args[2], args[3]);
    }
    if (args.size() == 1 && args[0] == "delete-topology") {
      return DeleteTopology();
    }
  } catch (const std::exception& e) {
    std::cerr << "orders-test-tool: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: orders-test-tool publish-raw <routing-key> <message-id> <body> | delete-topology\n";
  return 2;
}
