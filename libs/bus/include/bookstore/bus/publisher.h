#pragma once
// Publishing with publisher confirms on a connection of its own.
//
// Services do not publish directly: they write events with outbox::Add inside their database
// transaction and the Relay (outbox.h) publishes them through a Publisher. Publisher is public for the
// relay, tools and tests.
//
// Every message is persistent, mandatory, with message_id = event id, content_type
// application/cloudevents+json and the header traceparent when the event has one; routing key = type.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bookstore/bus/event.h"
#include "bookstore/bus/options.h"

namespace bookstore::bus {

namespace detail {
class AmqpConnection;
}

// One message as it goes on the wire (the relay publishes stored bodies without re-serialising them).
struct OutgoingMessage {
  std::string routing_key;  // the event type
  std::string message_id;   // the event id
  std::string body;         // Serialize(event)
  std::string traceparent;  // empty: no header
};

OutgoingMessage ToMessage(const Event& event);

// What the broker said about one published message.
enum class PublishOutcome {
  kConfirmed,   // routed to every bound queue and persisted (basic.ack)
  kUnroutable,  // no queue is bound to its routing key (basic.return, then basic.ack)
  kNacked,      // the broker could not take it (basic.nack): publish it again later
};

// Not thread-safe: one thread uses a Publisher at a time (the relay owns one on its thread).
class Publisher {
 public:
  // Does not connect yet: the first Publish (or Connect) does.
  explicit Publisher(Options options, std::string role = "publisher");
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Connects if not connected: TCP, login, confirm mode, then the whole topology is declared. Throws
  // BrokerError.
  void Connect();

  // Publishes the batch, then waits (up to options.confirm_timeout) until the broker confirmed or
  // refused every message; outcomes are in the order of `messages`. Connects first when needed.
  // Throws BrokerError when the connection fails or the confirms do not arrive in time: then nothing is
  // known about the batch (some messages may have been delivered), the connection is dropped and the
  // next call reconnects.
  std::vector<PublishOutcome> Publish(std::span<const OutgoingMessage> messages);

  // Publish, then throws BrokerError unless every message was confirmed (tools and tests).
  void PublishConfirmed(std::span<const Event> events);

  // Call when idle (at least every few seconds): sends heartbeats and notices a dead connection early,
  // so Connected() is accurate. Never throws; a failure just drops the connection.
  void KeepAlive() noexcept;

  // Drops the connection; the next Publish reconnects and redeclares the topology.
  void Disconnect() noexcept;

  // True while the connection is up (as far as the last call could tell). Thread-safe.
  [[nodiscard]] bool Connected() const noexcept;

  [[nodiscard]] const Options& GetOptions() const { return options_; }

 private:
  std::vector<PublishOutcome> AwaitConfirms(std::span<const OutgoingMessage> messages,
                                            std::uint64_t first_tag);

  Options options_;
  std::string role_;
  std::unique_ptr<detail::AmqpConnection> connection_;
  std::uint64_t next_tag_ = 1;  // delivery tag of the next publish on this channel (confirms count from 1)
  std::atomic<bool> connected_{false};
};

}  // namespace bookstore::bus
