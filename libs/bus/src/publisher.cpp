#include "bookstore/bus/publisher.h"

#include <optional>

#include "amqp_connection.h"
#include "bookstore/log/log.h"

namespace bookstore::bus {
namespace {

using Clock = std::chrono::steady_clock;

const char* OutcomeName(PublishOutcome outcome) {
  switch (outcome) {
    case PublishOutcome::kConfirmed:
      return "confirmed";
    case PublishOutcome::kUnroutable:
      return "unroutable";
    case PublishOutcome::kNacked:
      return "nacked";
  }
  return "unknown";
}

}  // namespace

OutgoingMessage ToMessage(const Event& event) {
  return OutgoingMessage{event.type, event.id, Serialize(event), event.traceparent};
}

Publisher::Publisher(Options options, std::string role)
    : options_(std::move(options)), role_(std::move(role)) {}

Publisher::~Publisher() = default;

bool Publisher::Connected() const noexcept { return connected_.load(); }

void Publisher::Disconnect() noexcept {
  connected_ = false;
  connection_.reset();
}

void Publisher::Connect() {
  if (connection_ && connection_->Usable()) return;
  Disconnect();
  auto connection = std::make_unique<detail::AmqpConnection>(options_, role_);
  // Declared before anything is published, so no event is dropped for want of its consumer's queue.
  // Confirm mode comes after: a tolerated declare conflict replaces the channel.
  connection->DeclareTopology(options_.topology);
  connection->ConfirmSelect();
  connection_ = std::move(connection);
  next_tag_ = 1;
  connected_ = true;
  log::Info("connected to RabbitMQ", {{"role", role_}});
}

std::vector<PublishOutcome> Publisher::Publish(std::span<const OutgoingMessage> messages) {
  if (messages.empty()) return {};
  Connect();
  try {
    const std::uint64_t first_tag = next_tag_;
    for (const auto& message : messages) {
      amqp_basic_properties_t properties{};
      properties._flags =
          AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
      properties.content_type = detail::Bytes(kContentType);
      properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;
      properties.message_id = detail::Bytes(message.message_id);
      amqp_table_entry_t traceparent{};
      if (!message.traceparent.empty()) {
        traceparent.key = amqp_cstring_bytes("traceparent");
        traceparent.value.kind = AMQP_FIELD_KIND_UTF8;
        traceparent.value.value.bytes = detail::Bytes(message.traceparent);
        properties._flags |= AMQP_BASIC_HEADERS_FLAG;
        properties.headers = amqp_table_t{1, &traceparent};
      }
      connection_->CheckStatus(
          amqp_basic_publish(connection_->State(), connection_->Channel(),
                             detail::Bytes(options_.topology.exchange), detail::Bytes(message.routing_key),
                             /*mandatory=*/1, /*immediate=*/0, &properties, detail::Bytes(message.body)),
          "publish " + message.routing_key);
      ++next_tag_;
    }
    return AwaitConfirms(messages, first_tag);
  } catch (...) {
    Disconnect();
    throw;
  }
}

std::vector<PublishOutcome> Publisher::AwaitConfirms(std::span<const OutgoingMessage> messages,
                                                     std::uint64_t first_tag) {
  const std::size_t count = messages.size();
  std::vector<std::optional<PublishOutcome>> outcomes(count);
  std::vector<bool> returned(count, false);
  std::size_t resolved = 0;
  std::size_t first_open = 0;  // every index below is resolved

  // Acks and nacks name a delivery tag, with `multiple` meaning "this one and all before it".
  const auto resolve_up_to = [&](std::uint64_t tag, bool multiple, PublishOutcome outcome) {
    std::size_t last = count - 1;  // inclusive; tag 0 with `multiple` means every outstanding message
    if (!(multiple && tag == 0)) {
      if (tag < first_tag || tag - first_tag >= count) return;  // not a message of this batch
      last = static_cast<std::size_t>(tag - first_tag);
    }
    for (std::size_t i = multiple ? first_open : last; i <= last; ++i) {
      if (outcomes[i]) continue;
      outcomes[i] = returned[i] ? PublishOutcome::kUnroutable : outcome;
      ++resolved;
    }
    while (first_open < count && outcomes[first_open]) ++first_open;
  };

  const auto deadline = Clock::now() + options_.confirm_timeout;
  while (resolved < count) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) {
      throw BrokerError("no publisher confirm within " + std::to_string(options_.confirm_timeout.count()) +
                        " ms");
    }
    const auto frame = connection_->NextFrame(remaining);
    if (!frame) continue;
    if (frame->frame_type == AMQP_FRAME_METHOD) {
      const amqp_method_t& method = frame->payload.method;
      if (method.id == AMQP_BASIC_ACK_METHOD) {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(method.decoded);
        resolve_up_to(ack->delivery_tag, ack->multiple != 0, PublishOutcome::kConfirmed);
      } else if (method.id == AMQP_BASIC_NACK_METHOD) {
        const auto* nack = static_cast<const amqp_basic_nack_t*>(method.decoded);
        resolve_up_to(nack->delivery_tag, nack->multiple != 0, PublishOutcome::kNacked);
      } else if (method.id == AMQP_BASIC_RETURN_METHOD) {
        // A return carries no delivery tag; it precedes the ack of the same message, which it names by
        // message_id.
        const auto* ret = static_cast<const amqp_basic_return_t*>(method.decoded);
        const detail::Delivery content = connection_->ReadContent(0, false, ret->routing_key);
        for (std::size_t i = first_open; i < count; ++i) {
          if (!outcomes[i] && !returned[i] && messages[i].message_id == content.message_id) {
            returned[i] = true;
            break;
          }
        }
      }
    }
    amqp_maybe_release_buffers_on_channel(connection_->State(), frame->channel);
  }

  std::vector<PublishOutcome> result;
  result.reserve(count);
  for (const auto& outcome : outcomes) result.push_back(*outcome);
  return result;
}

void Publisher::PublishConfirmed(std::span<const Event> events) {
  std::vector<OutgoingMessage> messages;
  messages.reserve(events.size());
  for (const auto& event : events) messages.push_back(ToMessage(event));
  const auto outcomes = Publish(messages);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i] != PublishOutcome::kConfirmed) {
      throw BrokerError("event " + messages[i].message_id + " (" + messages[i].routing_key + ") was " +
                        OutcomeName(outcomes[i]));
    }
  }
}

void Publisher::KeepAlive() noexcept {
  if (!connection_) return;
  try {
    while (auto frame = connection_->NextFrame(std::chrono::milliseconds(0))) {
      amqp_maybe_release_buffers_on_channel(connection_->State(), frame->channel);
    }
  } catch (const std::exception& e) {
    log::Warn("lost the connection to RabbitMQ", {{"role", role_}, {"error", e.what()}});
    Disconnect();
  }
}

}  // namespace bookstore::bus
