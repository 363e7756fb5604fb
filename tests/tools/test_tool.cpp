// A helper for the system tests (tests/system), doing what they cannot do from Python alone: there is no
// AMQP client and no Ed25519 among Debian's python3 packages. AMQP_URL and AMQP_NAME_PREFIX come from the
// environment, so every command acts on the test's own topology.
//
//   bookstore-test-tool publish <type> <data-json> [--id <event-id>] [--count <n>]
//       publishes a CloudEvent as its producer's relay would (publisher confirms) and prints its id; the
//       same id twice is a redelivery; with a count, n events whose data also holds "seq" (0, 1, ...);
//   bookstore-test-tool publish-raw <routing-key> <message-id> <body>
//       publishes the bytes as they are, with that message id (e.g. an event a second time, as a relay
//       that crashed before marking it sent would);
//   bookstore-test-tool sign <jwt-keys-file> <claims-json>
//       prints a token signed with the file's active key, with the claims
//       {"iss","aud","sub","name","role","iat","exp","jti"} (iat/exp in Unix seconds): e.g. an expired one
//       or one for another audience;
//   bookstore-test-tool delete-topology
//       deletes the exchanges and queues of AMQP_NAME_PREFIX after a test (never the unprefixed ones).

#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
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

namespace auth = bookstore::auth;
namespace bus = bookstore::bus;
namespace json = boost::json;

constexpr const char* kName = "bookstore-test-tool";

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): single-threaded tool
  return value != nullptr ? value : fallback;
}

std::string Prefix() { return Env("AMQP_NAME_PREFIX", ""); }

bus::Options BusOptions() {
  bus::Options options;
  options.url = Env("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/");
  options.client_name = kName;
  options.topology = bus::Topology::Default(Prefix());
  return options;
}

struct PublishOptions {
  std::string id;  // "" for a new one
  int count = 1;
};

int Publish(const std::string& type, const std::string& data, const PublishOptions& options) {
  if (options.count == 1) {
    bus::Event event = bus::MakeEvent(type, "test", json::parse(data));
    if (!options.id.empty()) event.id = options.id;
    bus::Publisher publisher(BusOptions(), "test publisher");
    publisher.PublishConfirmed(std::vector<bus::Event>{event});
    std::cout << event.id << "\n";
    return 0;
  }
  // A stream of events, one message at a time (the pace of a relay, not one batch: the live-event tests
  // measure how a stream is consumed).
  bus::BrokerAdmin admin(BusOptions());
  admin.DeclareTopology();
  for (int seq = 0; seq < options.count; ++seq) {
    auto value = json::parse(data);
    if (value.is_object()) value.as_object()["seq"] = seq;
    const auto event = bus::MakeEvent(type, "test", std::move(value));
    admin.PublishRaw(event.type, bus::Serialize(event), event.id);
    std::cout << event.id << "\n";
  }
  return 0;
}

int PublishRaw(const std::string& routing_key, const std::string& message_id, const std::string& body) {
  bus::BrokerAdmin admin(BusOptions());
  admin.DeclareTopology();
  admin.PublishRaw(routing_key, body, message_id);
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

int DeleteTopology() {
  if (Prefix().empty()) {
    std::cerr << kName << ": refusing to delete the unprefixed (real) topology\n";
    return 2;
  }
  bus::BrokerAdmin(BusOptions()).DeleteTopology();
  return 0;
}

// publish's options after <type> <data-json>; false when one is malformed.
bool ParsePublishOptions(const std::vector<std::string>& args, PublishOptions& options) {
  for (std::size_t i = 3; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return false;
    if (args[i] == "--id") {
      options.id = args[i + 1];
    } else if (args[i] == "--count") {
      options.count = std::stoi(args[i + 1]);
    } else {
      return false;
    }
  }
  return options.count >= 1 && (options.count == 1 || options.id.empty());
}

int Usage() {
  std::cerr << "usage: " << kName
            << " publish <type> <data-json> [--id <event-id>] [--count <n>] | publish-raw <routing-key> "
               "<message-id> <body> | sign <jwt-keys-file> <claims-json> | delete-topology\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(
      argv + 1,
      argv + argc);                      // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  bookstore::log::Init(kName, "error");  // stdout carries the results
  try {
    if (args.size() >= 3 && args[0] == "publish") {
      PublishOptions options;
      if (!ParsePublishOptions(args, options)) return Usage();
      return Publish(args[1], args[2], options);
    }
    if (args.size() == 4 && args[0] == "publish-raw") return PublishRaw(args[1], args[2], args[3]);
    if (args.size() == 3 && args[0] == "sign") return Sign(args[1], args[2]);
    if (args.size() == 1 && args[0] == "delete-topology") return DeleteTopology();
  } catch (const std::exception& e) {
    std::cerr << kName << ": " << e.what() << "\n";
    return 1;
  }
  return Usage();
}
