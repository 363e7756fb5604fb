#pragma once
// Direct broker operations for start-up, operators' tools and tests. Blocking; not thread-safe.
//
//   bus::BrokerAdmin(options).DeclareTopology();  // e.g. at start-up, to fail fast on a bad AMQP_URL
//
// Tests isolate themselves with Topology::Default(UniqueName(...)) and call DeleteTopology() at the end.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bookstore/bus/options.h"

namespace bookstore::bus {

namespace detail {
class AmqpConnection;
}

// A message taken from a queue with basic.get.
struct ReceivedMessage {
  std::string routing_key;
  std::string message_id;
  std::string body;
  std::string traceparent;
  std::int64_t delivery_count = 0;  // x-delivery-count (quorum queues)
  std::string death_reason;  // x-first-death-reason when dead-lettered: "delivery_limit", "rejected", ...
};

class BrokerAdmin {
 public:
  explicit BrokerAdmin(Options options);  // connects; throws BrokerError
  ~BrokerAdmin();
  BrokerAdmin(const BrokerAdmin&) = delete;
  BrokerAdmin& operator=(const BrokerAdmin&) = delete;

  // Declares options.topology (idempotent), as every component does when it connects.
  void DeclareTopology();
  // Deletes every queue (service and dead-letter) and both exchanges of options.topology, messages
  // included. For tests and tear-down of throw-away stores; never run it on a production topology.
  void DeleteTopology();

  // Messages ready in `queue` (not counting unacknowledged ones); throws BrokerError if it does not exist.
  std::uint32_t MessageCount(const std::string& queue);
  // Takes (and acknowledges) the next ready message of `queue`, if any.
  std::optional<ReceivedMessage> Take(const std::string& queue);
  // Publishes raw bytes with the given routing key on the events exchange, persistent and confirmed,
  // mandatory off (tests: malformed messages).
  void PublishRaw(const std::string& routing_key, const std::string& body,
                  const std::string& message_id = {});

 private:
  Options options_;
  std::unique_ptr<detail::AmqpConnection> connection_;
};

}  // namespace bookstore::bus
