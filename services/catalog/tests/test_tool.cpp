// A helper for the catalog system tests (tests/system/test_catalog_*.py), doing what the tests cannot do
// from Python alone (no AMQP client, no Ed25519 among Debian's python3 packages). AMQP_URL and
// AMQP_NAME_PREFIX come from the environment: every command acts on the test's own topology.
//
//   catalog-test-tool publish <type> <data-json> [<event-id>]
//       publishes a CloudEvent as its producer would (confirmed); the same id twice is a redelivery;
//   catalog-test-tool take <queue> <wait-ms>
//       prints, one JSON line each ({"routing_key", "message_id", "body"}), the messages ready in
//       <queue> (without the prefix, e.g. orders.events), waiting up to <wait-ms> for the first;
//   catalog-test-tool sign <jwt-keys-file> <claims-json>
//       an access token signed with the file's active key, for claims {sub, name, role, iat, exp, ...};
//   catalog-test-tool delete-topology
//       deletes the exchanges and queues of AMQP_NAME_PREFIX after a test.

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bookstore/auth/claims.h"
#include "bookstore/auth/jwt.h"
#include "bookstore/auth/keys.h"
#include "bookstore/bus/admin.h"
#include "bookstore/bus/event.h"
#include "bookstore/bus/options.h"
#include "bookstore/bus/publisher.h"
#include "bookstore/log/log.h"

namespace {

namespace bus = bookstore::bus;
namespace auth = bookstore::auth;
namespace json = boost::json;

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): single-threaded tool
  return value != nullptr ? value : fallback;
}

std::string Prefix() { return Env("AMQP_NAME_PREFIX", ""); }

bus::Options BusOptions() {
  bus::Options options;
  options.url = Env("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/");
  options.client_name = "catalog-test-tool";
  options.topology = bus::Topology::Default(Prefix());
  return options;
}

int Publish(const std::string& type, const std::string& data, const std::string& id) {
  bus::Event event = bus::MakeEvent(type, "catalog-test", json::parse(data));
  if (!id.empty()) {
    event.id = id;
  }
  bus::Publisher publisher(BusOptions(), "test publisher");
  publisher.PublishConfirmed(std::vector<bus::Event>{event});
  std::cout << event.id << "\n";
  return 0;
}

int Take(const std::string& queue, std::chrono::milliseconds wait) {
  bus::BrokerAdmin admin(BusOptions());
  admin.DeclareTopology();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool any = false;
  while (true) {
    auto message = admin.Take(Prefix() + queue);
    if (message) {
      any = true;
      std::cout << json::serialize(json::object{{"routing_key", message->routing_key},
                                                {"message_id", message->message_id},
                                                {"body", message->body}})
                << "\n";
      continue;
    }
    if (any || std::chrono::steady_clock::now() >= deadline) {
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int Sign(const std::string& keys_file, const std::string& claims_json) {
  std::ifstream in(keys_file);
  std::stringstream file;
  file << in.rdbuf();
  const auth::SigningKeys keys = auth::SigningKeys::Parse(file.str());
  const json::object claims = json::parse(claims_json).as_object();
  auto text = [&claims](const char* name) { return std::string(claims.at(name).as_string()); };
  const auth::Claims c =
      auth::NewClaims(text("iss"), text("aud"), std::stoll(text("sub")), text("name"),
                      auth::ParseRole(text("role")).value(), auth::NowSeconds(), std::chrono::hours(1));
  std::cout << auth::Sign(c, keys) << "\n";
  return 0;
}

int DeleteTopology() {
  if (Prefix().empty()) {
    std::cerr << "catalog-test-tool: refusing to delete the unprefixed (real) topology\n";
    return 2;
  }
  bus::BrokerAdmin(BusOptions()).DeleteTopology();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(
      argv + 1, argv + argc);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  bookstore::log::Init("catalog-test-tool", "error");  // stdout carries the results
  try {
    if ((args.size() == 3 || args.size() == 4) && args[0] == "publish") {
      return Publish(args[1], args[2], args.size() == 4 ? args[3] : "");
    }
    if (args.size() == 3 && args[0] == "take") {
      return Take(args[1], std::chrono::milliseconds(std::stoll(args[2])));
    }
    if (args.size() == 3 && args[0] == "sign") {
      return Sign(args[1], args[2]);
    }
    if (args.size() == 1 && args[0] == "delete-topology") {
      return DeleteTopology();
    }
  } catch (const std::exception& e) {
    std::cerr << "catalog-test-tool: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: catalog-test-tool publish <type> <data-json> [<event-id>] | take <queue> <wait-ms> | "
               "sign <jwt-keys-file> <claims-json> | delete-topology\n";
  return 2;
}
