// A helper for the gateway's system tests (tests/system/test_gateway_*.py), doing what the tests cannot
// do from Python alone:
//
//   gateway-test-tool publish <type> <data-json> [count]
//       publishes the event on the bus as a service's relay would (AMQP_URL, AMQP_NAME_PREFIX from the
//       environment) and prints its id; with a count, that many events whose data also holds "seq"
//       (0, 1, ...);
//   gateway-test-tool delete-topology
//       deletes the exchanges and queues of AMQP_NAME_PREFIX (a test's own topology) after the test;
//   gateway-test-tool sign <jwt-keys-file> <claims-json>
//       prints a token signed with the active key of the file, with the given claims
//       {"iss","aud","sub","name","role","iat","exp","jti"} (iat/exp in Unix seconds), e.g. an expired
//       one or one for another audience.

#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "bookstore/auth/claims.h"
#include "bookstore/auth/jwt.h"
#include "bookstore/auth/keys.h"
#include "bookstore/bus/admin.h"
#include "bookstore/bus/event.h"
#include "bookstore/bus/options.h"

namespace {

namespace auth = bookstore::auth;
namespace bus = bookstore::bus;
namespace json = boost::json;

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): single-threaded tool
  return value != nullptr ? value : fallback;
}

bus::Options BusOptions() {
  bus::Options options;
  options.url = Env("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/");
  options.client_name = "gateway-test-tool";
  options.topology = bus::Topology::Default(Env("AMQP_NAME_PREFIX", ""));
  return options;
}

int Publish(const std::string& type, const std::string& data, int count) {
  bus::BrokerAdmin admin(BusOptions());
  admin.DeclareTopology();
  for (int seq = 0; seq < count; ++seq) {
    auto value = json::parse(data);
    if (count > 1 && value.is_object()) value.as_object()["seq"] = seq;
    const auto event = bus::MakeEvent(type, "test", std::move(value));
    admin.PublishRaw(event.type, bus::Serialize(event), event.id);
    std::cout << event.id << "\n";
  }
  return 0;
}

int DeleteTopology() {
  if (Env("AMQP_NAME_PREFIX", "").empty()) {
    std::cerr << "gateway-test-tool: refusing to delete the unprefixed (real) topology\n";
    return 2;
  }
  bus::BrokerAdmin(BusOptions()).DeleteTopology();
  return 0;
}

int Sign(const std::string& keys_file, const std::string& claims_json) {
  std::ifstream in(keys_file);
  std::stringstream text;
  text << in.rdbuf();
  const auto keys = auth::SigningKeys::Parse(text.str());
  const auto object = json::parse(claims_json).as_object();
  auth::Claims claims;
  claims.issuer = json::value_to<std::string>(object.at("iss"));
  claims.audience = json::value_to<std::string>(object.at("aud"));
  claims.subject = json::value_to<std::string>(object.at("sub"));
  claims.name = json::value_to<std::string>(object.at("name"));
  claims.role = auth::ParseRole(json::value_to<std::string>(object.at("role"))).value_or(auth::Role::kUser);
  claims.issued_at =
      std::chrono::sys_seconds(std::chrono::seconds(object.at("iat").to_number<std::int64_t>()));
  claims.expires_at =
      std::chrono::sys_seconds(std::chrono::seconds(object.at("exp").to_number<std::int64_t>()));
  claims.token_id = json::value_to<std::string>(object.at("jti"));
  std::cout << auth::Sign(claims, keys) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(
      argv + 1, argv + argc);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  try {
    if (args.size() == 3 && args[0] == "publish") return Publish(args[1], args[2], 1);
    if (args.size() == 4 && args[0] == "publish") return Publish(args[1], args[2], std::stoi(args[3]));
    if (args.size() == 3 && args[0] == "sign") return Sign(args[1], args[2]);
    if (args.size() == 1 && args[0] == "delete-topology") return DeleteTopology();
  } catch (const std::exception& e) {
    std::cerr << "gateway-test-tool: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: gateway-test-tool publish <type> <data-json> [count] | delete-topology |\n"
               "       gateway-test-tool sign <jwt-keys-file> <claims-json>\n";
  return 2;
}
