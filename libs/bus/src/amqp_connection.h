#pragma once
// Internal: one rabbitmq-c connection with one channel, used by exactly one thread.
//
// rabbitmq-c 0.11 is blocking and hands out frames of every channel of a connection to whoever waits
// (DEPENDENCIES.md), so the bus never shares a connection between a publisher and a consumer: each
// Publisher, consumer worker and Subscriber owns one AmqpConnection.

#include <amqp.h>

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "bookstore/bus/options.h"

namespace bookstore::bus::detail {

// A message copied out of rabbitmq-c's buffers (they are recycled by amqp_maybe_release_buffers).
struct Delivery {
  std::uint64_t delivery_tag = 0;
  bool redelivered = false;
  std::string routing_key;
  std::string body;
  std::string message_id;
  std::string traceparent;
  std::int64_t delivery_count = 0;  // x-delivery-count of quorum queues: 0 on the first delivery
  std::string death_reason;         // x-first-death-reason on dead-lettered messages
};

// The fields that tie a log line to a delivery that may not parse as an event: message_id and trace_id
// (of its traceparent header, when valid), added to `fields`.
boost::json::object DeliveryLogFields(const Delivery& delivery, boost::json::object fields = {});

std::string_view View(amqp_bytes_t bytes);
// The C API takes non-const pointers but only reads message data through them.
amqp_bytes_t Bytes(std::string_view text);

struct ParsedUrl {
  std::string user, password, host, vhost;
  int port = 5672;
};
// Throws BrokerError on a malformed or amqps URL. An empty vhost means "/".
ParsedUrl ParseAmqpUrl(const std::string& url);

class AmqpConnection {
 public:
  // Connects, logs in and opens channel 1; throws BrokerError. `role` names the connection in the
  // management UI together with options.client_name.
  AmqpConnection(const Options& options, std::string_view role);
  ~AmqpConnection();
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  [[nodiscard]] amqp_connection_state_t State() const { return state_; }
  [[nodiscard]] amqp_channel_t Channel() const { return channel_; }

  // Exchanges, service queues with their bindings, dead-letter queues. Idempotent.
  void DeclareTopology(const Topology& topology);
  void Qos(int prefetch);
  void ConfirmSelect();
  // Returns the queue name (the server's choice when `name` is empty).
  std::string DeclareQueue(const std::string& name, bool durable, bool exclusive, bool auto_delete,
                           amqp_table_t arguments);
  void Bind(const std::string& queue, const std::string& exchange, const std::string& key);
  void Unbind(const std::string& queue, const std::string& exchange, const std::string& key);
  void Consume(const std::string& queue, bool exclusive);
  void DeleteQueue(const std::string& queue);        // no error when it does not exist
  void DeleteExchange(const std::string& exchange);  // no error when it does not exist
  // Messages ready in a queue; throws BrokerError when the queue does not exist.
  std::uint32_t MessageCount(const std::string& queue);
  // basic.get with an immediate ack.
  std::optional<Delivery> Get(const std::string& queue);

  // The next frame, waiting at most `timeout`; nullopt on timeout. Heartbeats are sent and checked in
  // here. Throws BrokerError when the connection is lost or the broker closes the channel/connection.
  std::optional<amqp_frame_t> NextFrame(std::chrono::milliseconds timeout);

  // Consumers: the next delivery (after Consume), waiting at most `timeout`. Throws BrokerError when the
  // connection is lost or the broker cancels the consumer (queue deleted).
  std::optional<Delivery> NextDelivery(std::chrono::milliseconds timeout);
  // Keeps the connection alive (heartbeats) while the caller is busy elsewhere, buffering deliveries
  // that arrive meanwhile for NextDelivery.
  void Pump();

  // multiple: every delivery on the channel up to `tag` that is not settled yet, in one frame.
  void Ack(std::uint64_t tag, bool multiple = false);
  void Nack(std::uint64_t tag, bool requeue);
  void Reject(std::uint64_t tag, bool requeue);

  // After a basic.deliver / basic.return / basic.get-ok method frame: reads the header and body frames.
  Delivery ReadContent(std::uint64_t delivery_tag, bool redelivered, amqp_bytes_t routing_key);

  // Throws BrokerError describing a failed RPC; records whether the channel or connection died.
  void Check(amqp_rpc_reply_t reply, std::string_view what);
  void CheckStatus(int status, std::string_view what);
  void CheckLastRpc(std::string_view what) { Check(amqp_get_rpc_reply(state_), what); }

  [[nodiscard]] bool Usable() const { return !socket_dead_ && channel_open_; }

 private:
  void OpenChannel();
  // A durable queue; one that already exists with other arguments is kept as it is (logged).
  void DeclareExistingOrNewQueue(const std::string& name, amqp_table_t arguments);
  // A channel closed by the broker (e.g. a declare that conflicts): acknowledge it and open a fresh one.
  void ReopenChannel();
  std::optional<Delivery> HandleConsumerFrame(const amqp_frame_t& frame);

  amqp_connection_state_t state_ = nullptr;
  amqp_channel_t channel_ = 0;
  bool channel_open_ = false;
  bool socket_dead_ = false;
  std::deque<Delivery> buffered_;
};

}  // namespace bookstore::bus::detail
