#include <vector>

#include "bookstore/bus/consumer.h"
#include "bookstore/log/log.h"
#include "consume_worker.h"

namespace bookstore::bus {
namespace {

// A gateway that stops reading must not grow its queue without bound; live events are best-effort.
constexpr std::int64_t kMaxQueuedMessages = 10000;

}  // namespace

Subscriber::Subscriber(Options options, std::vector<std::string> binding_keys, EventHandler handler,
                       std::function<void()> on_connected)
    : options_(std::move(options)), handler_(std::move(handler)), on_connected_(std::move(on_connected)) {
  auto setup = [this, keys = std::move(binding_keys)](detail::AmqpConnection& amqp) {
    amqp.DeclareTopology(options_.topology);
    std::vector<amqp_table_entry_t> arguments(2);
    arguments[0].key = amqp_cstring_bytes("x-max-length");
    arguments[0].value.kind = AMQP_FIELD_KIND_I64;
    arguments[0].value.value.i64 = kMaxQueuedMessages;
    arguments[1].key = amqp_cstring_bytes("x-overflow");
    arguments[1].value.kind = AMQP_FIELD_KIND_UTF8;
    arguments[1].value.value.bytes = amqp_cstring_bytes("drop-head");
    const std::string queue =
        amqp.DeclareQueue("", /*durable=*/false, /*exclusive=*/true, /*auto_delete=*/true,
                          amqp_table_t{static_cast<int>(arguments.size()), arguments.data()});
    for (const auto& key : keys) amqp.Bind(queue, options_.topology.exchange, key);
    amqp.Qos(options_.prefetch);
    amqp.Consume(queue, /*exclusive=*/true);
    if (on_connected_) {
      try {
        on_connected_();
      } catch (const std::exception& e) {
        log::Error("subscriber on_connected callback failed", {{"error", e.what()}});
      }
    }
  };
  auto process = [this](detail::AmqpConnection& amqp, std::vector<detail::Delivery>&& deliveries,
                        const std::stop_token&) {
    for (auto& delivery : deliveries) Handle(amqp, delivery);
  };
  worker_ = std::make_unique<detail::ConsumeWorker>(options_, "subscriber", setup, process);
}

void Subscriber::Handle(detail::AmqpConnection& amqp, const detail::Delivery& delivery) {
  try {
    Event event = ParseEvent(delivery.body);
    event.traceparent = delivery.traceparent;
    handler_(event);
    ++counters_.handled;
  } catch (const BadEvent& e) {
    log::Warn("dropped a message that is not a valid event",
              detail::DeliveryLogFields(delivery, {{"error", e.what()}}));
    ++counters_.rejected;
  } catch (const std::exception& e) {
    log::Error("event handler failed", detail::DeliveryLogFields(delivery, {{"error", e.what()}}));
    ++counters_.failed;
  } catch (...) {
    log::Error("event handler failed", detail::DeliveryLogFields(delivery, {{"error", "unknown exception"}}));
    ++counters_.failed;
  }
  amqp.Ack(delivery.delivery_tag);
}

Subscriber::~Subscriber() = default;

bool Subscriber::Connected() const noexcept { return worker_->Connected(); }

}  // namespace bookstore::bus
