#include "bookstore/bus/admin.h"

#include <chrono>

#include "amqp_connection.h"
#include "bookstore/bus/event.h"

namespace bookstore::bus {

BrokerAdmin::BrokerAdmin(Options options)
    : options_(std::move(options)), connection_(std::make_unique<detail::AmqpConnection>(options_, "admin")) {
  connection_->ConfirmSelect();
}

BrokerAdmin::~BrokerAdmin() = default;

void BrokerAdmin::DeclareTopology() { connection_->DeclareTopology(options_.topology); }

void BrokerAdmin::DeleteTopology() {
  for (const auto& queue : options_.topology.queues) {
    connection_->DeleteQueue(queue.name);
    connection_->DeleteQueue(queue.dead_letter_queue);
  }
  connection_->DeleteExchange(options_.topology.exchange);
  connection_->DeleteExchange(options_.topology.dead_letter_exchange);
}

std::uint32_t BrokerAdmin::MessageCount(const std::string& queue) { return connection_->MessageCount(queue); }

std::optional<ReceivedMessage> BrokerAdmin::Take(const std::string& queue) {
  auto delivery = connection_->Get(queue);
  if (!delivery) return std::nullopt;
  return ReceivedMessage{std::move(delivery->routing_key), std::move(delivery->message_id),
                         std::move(delivery->body),        std::move(delivery->traceparent),
                         delivery->delivery_count,         std::move(delivery->death_reason)};
}

void BrokerAdmin::PublishRaw(const std::string& routing_key, const std::string& body,
                             const std::string& message_id) {
  amqp_basic_properties_t properties{};
  properties._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
  properties.content_type = detail::Bytes(kContentType);
  properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  if (!message_id.empty()) {
    properties._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
    properties.message_id = detail::Bytes(message_id);
  }
  connection_->CheckStatus(
      amqp_basic_publish(connection_->State(), connection_->Channel(),
                         detail::Bytes(options_.topology.exchange), detail::Bytes(routing_key), 0, 0,
                         &properties, detail::Bytes(body)),
      "publish");
  // One message at a time: the next ack or nack on the channel is its confirm.
  const auto deadline = std::chrono::steady_clock::now() + options_.confirm_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto frame = connection_->NextFrame(std::chrono::milliseconds(100));
    if (!frame || frame->frame_type != AMQP_FRAME_METHOD) continue;
    const auto id = frame->payload.method.id;
    amqp_maybe_release_buffers_on_channel(connection_->State(), frame->channel);
    if (id == AMQP_BASIC_ACK_METHOD) return;
    if (id == AMQP_BASIC_NACK_METHOD) throw BrokerError("the broker nacked a raw publish");
  }
  throw BrokerError("no confirm for a raw publish");
}

}  // namespace bookstore::bus
