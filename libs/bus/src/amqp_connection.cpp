#include "amqp_connection.h"

#include <amqp_tcp_socket.h>

#include <utility>
#include <vector>

#include "bookstore/http/trace_context.h"
#include "bookstore/log/log.h"

namespace bookstore::bus::detail {
namespace {

constexpr int kFrameMax = 131072;
constexpr int kPreconditionFailed = 406;
constexpr std::chrono::seconds kCloseTimeout{2};

timeval ToTimeval(std::chrono::milliseconds duration) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
  return timeval{static_cast<time_t>(micros / 1'000'000), static_cast<suseconds_t>(micros % 1'000'000)};
}

std::string ServerCloseText(const amqp_method_t& method) {
  if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_connection_close_t*>(method.decoded);
    return "connection closed by broker: " + std::to_string(close->reply_code) + " " +
           std::string(View(close->reply_text));
  }
  if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_channel_close_t*>(method.decoded);
    return "channel closed by broker: " + std::to_string(close->reply_code) + " " +
           std::string(View(close->reply_text));
  }
  return "unexpected method " + std::to_string(method.id) + " from broker";
}

int ServerCloseCode(const amqp_method_t& method) {
  if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    return static_cast<const amqp_connection_close_t*>(method.decoded)->reply_code;
  }
  if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    return static_cast<const amqp_channel_close_t*>(method.decoded)->reply_code;
  }
  return 0;
}

// The queue-declare failure the bus tolerates: the queue exists with other arguments.
class PreconditionFailed : public BrokerError {
 public:
  using BrokerError::BrokerError;
};

std::optional<std::int64_t> IntegerField(const amqp_field_value_t& value) {
  switch (value.kind) {
    case AMQP_FIELD_KIND_I8:
      return value.value.i8;
    case AMQP_FIELD_KIND_U8:
      return value.value.u8;
    case AMQP_FIELD_KIND_I16:
      return value.value.i16;
    case AMQP_FIELD_KIND_U16:
      return value.value.u16;
    case AMQP_FIELD_KIND_I32:
      return value.value.i32;
    case AMQP_FIELD_KIND_U32:
      return value.value.u32;
    case AMQP_FIELD_KIND_I64:
      return value.value.i64;
    case AMQP_FIELD_KIND_U64:
      return static_cast<std::int64_t>(value.value.u64);
    default:
      return std::nullopt;
  }
}

std::optional<std::string> StringField(const amqp_field_value_t& value) {
  if (value.kind == AMQP_FIELD_KIND_UTF8 || value.kind == AMQP_FIELD_KIND_BYTES) {
    return std::string(View(value.value.bytes));
  }
  return std::nullopt;
}

void CopyProperties(const amqp_basic_properties_t& properties, Delivery& delivery) {
  if ((properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) != 0) {
    delivery.message_id = View(properties.message_id);
  }
  if ((properties._flags & AMQP_BASIC_HEADERS_FLAG) == 0) return;
  const amqp_table_t& headers = properties.headers;
  for (int i = 0; i < headers.num_entries; ++i) {
    const amqp_table_entry_t& entry = headers.entries[i];
    const std::string_view key = View(entry.key);
    if (key == "traceparent") {
      delivery.traceparent = StringField(entry.value).value_or("");
    } else if (key == "x-delivery-count") {
      delivery.delivery_count = IntegerField(entry.value).value_or(0);
    } else if (key == "x-first-death-reason") {
      delivery.death_reason = StringField(entry.value).value_or("");
    }
  }
}

amqp_table_entry_t TextEntry(const char* key, std::string_view value) {
  amqp_table_entry_t entry{};
  entry.key = amqp_cstring_bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_UTF8;
  entry.value.value.bytes = Bytes(value);
  return entry;
}

amqp_table_entry_t IntEntry(const char* key, std::int64_t value) {
  amqp_table_entry_t entry{};
  entry.key = amqp_cstring_bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_I64;
  entry.value.value.i64 = value;
  return entry;
}

amqp_table_t Table(std::vector<amqp_table_entry_t>& entries) {
  return amqp_table_t{static_cast<int>(entries.size()), entries.data()};
}

}  // namespace

boost::json::object DeliveryLogFields(const Delivery& delivery, boost::json::object fields) {
  fields["message_id"] = delivery.message_id;
  if (const auto trace_id = http::TraceIdOf(delivery.traceparent); !trace_id.empty()) {
    fields["trace_id"] = trace_id;
  }
  return fields;
}

std::string_view View(amqp_bytes_t bytes) {
  if (bytes.len == 0 || bytes.bytes == nullptr) return {};
  return {static_cast<const char*>(bytes.bytes), bytes.len};
}

amqp_bytes_t Bytes(std::string_view text) {
  return amqp_bytes_t{text.size(),
                      const_cast<char*>(text.data())};  // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

ParsedUrl ParseAmqpUrl(const std::string& url) {
  std::string buffer = url;  // amqp_parse_url writes into its input and points into it
  amqp_connection_info info{};
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) {
    throw BrokerError("AMQP_URL is not a valid amqp:// URL");
  }
  if (info.ssl != 0) throw BrokerError("AMQP_URL: amqps:// is not supported");
  ParsedUrl parsed{info.user, info.password, info.host, info.vhost, info.port};
  // "amqp://host/" names the empty vhost in the AMQP URI spec, but everyone means the default one.
  if (parsed.vhost.empty()) parsed.vhost = "/";
  return parsed;
}

AmqpConnection::AmqpConnection(const Options& options, std::string_view role) {
  const ParsedUrl url = ParseAmqpUrl(options.url);
  state_ = amqp_new_connection();
  if (state_ == nullptr) throw BrokerError("out of memory creating an AMQP connection");
  try {
    amqp_socket_t* socket = amqp_tcp_socket_new(state_);
    if (socket == nullptr) throw BrokerError("cannot create a TCP socket for AMQP");
    timeval connect_timeout = ToTimeval(options.connect_timeout);
    const int status = amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &connect_timeout);
    if (status != AMQP_STATUS_OK) {
      socket_dead_ = true;
      throw BrokerError("cannot connect to RabbitMQ at " + url.host + ":" + std::to_string(url.port) + ": " +
                        amqp_error_string2(status));
    }
    amqp_set_handshake_timeout(state_, &connect_timeout);
    timeval rpc_timeout = ToTimeval(options.rpc_timeout);
    amqp_set_rpc_timeout(state_, &rpc_timeout);

    const std::string name = options.client_name + " " + std::string(role);
    std::vector<amqp_table_entry_t> entries = {TextEntry("connection_name", name)};
    const amqp_table_t properties = Table(entries);
    Check(amqp_login_with_properties(state_, url.vhost.c_str(), 0, kFrameMax,
                                     static_cast<int>(options.heartbeat.count()), &properties,
                                     AMQP_SASL_METHOD_PLAIN, url.user.c_str(), url.password.c_str()),
          "login to RabbitMQ as " + url.user);
    channel_ = 1;
    OpenChannel();
  } catch (...) {
    amqp_destroy_connection(state_);
    throw;
  }
}

AmqpConnection::~AmqpConnection() {
  if (!socket_dead_) {
    // A polite close lets the broker drop exclusive queues and requeue unacked messages at once.
    timeval timeout = ToTimeval(kCloseTimeout);
    amqp_set_rpc_timeout(state_, &timeout);
    amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(state_);
}

void AmqpConnection::OpenChannel() {
  amqp_channel_open(state_, channel_);
  CheckLastRpc("open channel");
  channel_open_ = true;
}

void AmqpConnection::ReopenChannel() {
  ++channel_;
  OpenChannel();
}

void AmqpConnection::Check(amqp_rpc_reply_t reply, std::string_view what) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return;
    case AMQP_RESPONSE_NONE:
      socket_dead_ = true;
      throw BrokerError(std::string(what) + ": no reply from RabbitMQ");
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      // Timeouts and socket errors leave the connection in an unknown state: never reuse it.
      socket_dead_ = true;
      throw BrokerError(std::string(what) + ": " + amqp_error_string2(reply.library_error));
    case AMQP_RESPONSE_SERVER_EXCEPTION: {
      const std::string text = std::string(what) + ": " + ServerCloseText(reply.reply);
      const int code = ServerCloseCode(reply.reply);
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        amqp_connection_close_ok_t ok{};
        amqp_send_method(state_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        socket_dead_ = true;
        throw BrokerError(text);
      }
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        amqp_channel_close_ok_t ok{};
        amqp_send_method(state_, channel_, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        channel_open_ = false;
        // Keep the connection usable for the next call (admin tools, tolerated declare conflicts).
        try {
          ReopenChannel();
        } catch (const BrokerError&) {
          socket_dead_ = true;
        }
        if (code == kPreconditionFailed) throw PreconditionFailed(text);
      }
      throw BrokerError(text);
    }
  }
  throw BrokerError(std::string(what) + ": unknown reply from RabbitMQ");
}

void AmqpConnection::CheckStatus(int status, std::string_view what) {
  if (status == AMQP_STATUS_OK) return;
  socket_dead_ = true;
  throw BrokerError(std::string(what) + ": " + amqp_error_string2(status));
}

void AmqpConnection::DeclareTopology(const Topology& topology) {
  for (const auto* exchange : {&topology.exchange, &topology.dead_letter_exchange}) {
    amqp_exchange_declare(state_, channel_, Bytes(*exchange), amqp_cstring_bytes("topic"), 0, 1, 0, 0,
                          amqp_empty_table);
    CheckLastRpc("declare exchange " + *exchange);
  }
  for (const auto& queue : topology.queues) {
    // The dead-letter queue first, so the service queue never dead-letters into nothing.
    DeclareExistingOrNewQueue(queue.dead_letter_queue, amqp_empty_table);
    Bind(queue.dead_letter_queue, topology.dead_letter_exchange, queue.name);

    std::vector<amqp_table_entry_t> arguments = {
        TextEntry("x-queue-type", "quorum"), IntEntry("x-delivery-limit", topology.delivery_limit),
        TextEntry("x-dead-letter-exchange", topology.dead_letter_exchange),
        TextEntry("x-dead-letter-routing-key", queue.name)};
    DeclareExistingOrNewQueue(queue.name, Table(arguments));
    for (const auto& binding : queue.bindings) Bind(queue.name, topology.exchange, binding);
    for (const auto& binding : queue.retired_bindings) Unbind(queue.name, topology.exchange, binding);
  }
}

void AmqpConnection::DeclareExistingOrNewQueue(const std::string& name, amqp_table_t arguments) {
  try {
    DeclareQueue(name, /*durable=*/true, /*exclusive=*/false, /*auto_delete=*/false, arguments);
  } catch (const PreconditionFailed& e) {
    // Refusing to start over a changed setting would take the whole store down; the old queue still works.
    log::Error("queue exists with other arguments; keeping it (delete it to apply the new ones)",
               {{"queue", name}, {"error", e.what()}});
  }
}

std::string AmqpConnection::DeclareQueue(const std::string& name, bool durable, bool exclusive,
                                         bool auto_delete, amqp_table_t arguments) {
  const auto* ok = amqp_queue_declare(state_, channel_, Bytes(name), 0, durable ? 1 : 0, exclusive ? 1 : 0,
                                      auto_delete ? 1 : 0, arguments);
  CheckLastRpc("declare queue " + name);
  return std::string(View(ok->queue));
}

void AmqpConnection::Bind(const std::string& queue, const std::string& exchange, const std::string& key) {
  amqp_queue_bind(state_, channel_, Bytes(queue), Bytes(exchange), Bytes(key), amqp_empty_table);
  CheckLastRpc("bind queue " + queue + " to " + exchange + " with " + key);
}

void AmqpConnection::Unbind(const std::string& queue, const std::string& exchange, const std::string& key) {
  // RabbitMQ answers unbind-ok for a binding that does not exist.
  amqp_queue_unbind(state_, channel_, Bytes(queue), Bytes(exchange), Bytes(key), amqp_empty_table);
  CheckLastRpc("unbind queue " + queue + " from " + exchange + " with " + key);
}

void AmqpConnection::Qos(int prefetch) {
  amqp_basic_qos(state_, channel_, 0, static_cast<std::uint16_t>(prefetch), 0);
  CheckLastRpc("set prefetch");
}

void AmqpConnection::ConfirmSelect() {
  amqp_confirm_select(state_, channel_);
  CheckLastRpc("enable publisher confirms");
}

void AmqpConnection::Consume(const std::string& queue, bool exclusive) {
  amqp_basic_consume(state_, channel_, Bytes(queue), amqp_empty_bytes, 0, 0, exclusive ? 1 : 0,
                     amqp_empty_table);
  CheckLastRpc("consume from " + queue);
}

void AmqpConnection::DeleteQueue(const std::string& queue) {
  amqp_queue_delete(state_, channel_, Bytes(queue), 0, 0);
  CheckLastRpc("delete queue " + queue);
}

void AmqpConnection::DeleteExchange(const std::string& exchange) {
  amqp_exchange_delete(state_, channel_, Bytes(exchange), 0);
  CheckLastRpc("delete exchange " + exchange);
}

std::uint32_t AmqpConnection::MessageCount(const std::string& queue) {
  const auto* ok = amqp_queue_declare(state_, channel_, Bytes(queue), 1, 0, 0, 0, amqp_empty_table);
  CheckLastRpc("inspect queue " + queue);
  return ok->message_count;
}

std::optional<Delivery> AmqpConnection::Get(const std::string& queue) {
  const amqp_rpc_reply_t reply = amqp_basic_get(state_, channel_, Bytes(queue), 1);
  Check(reply, "get from " + queue);
  if (reply.reply.id != AMQP_BASIC_GET_OK_METHOD) return std::nullopt;
  const auto* ok = static_cast<const amqp_basic_get_ok_t*>(reply.reply.decoded);
  Delivery delivery = ReadContent(ok->delivery_tag, ok->redelivered != 0, ok->routing_key);
  amqp_maybe_release_buffers_on_channel(state_, channel_);
  return delivery;
}

Delivery AmqpConnection::ReadContent(std::uint64_t delivery_tag, bool redelivered, amqp_bytes_t routing_key) {
  Delivery delivery;
  delivery.delivery_tag = delivery_tag;
  delivery.redelivered = redelivered;
  delivery.routing_key = View(routing_key);  // copied before amqp_read_message may recycle the frame
  amqp_message_t message{};
  const amqp_rpc_reply_t reply = amqp_read_message(state_, channel_, &message, 0);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    Check(reply, "read message");
  }
  delivery.body = View(message.body);
  CopyProperties(message.properties, delivery);
  amqp_destroy_message(&message);
  return delivery;
}

std::optional<amqp_frame_t> AmqpConnection::NextFrame(std::chrono::milliseconds timeout) {
  timeval tv = ToTimeval(timeout);
  amqp_frame_t frame{};
  const int status = amqp_simple_wait_frame_noblock(state_, &frame, &tv);
  if (status == AMQP_STATUS_TIMEOUT) return std::nullopt;
  if (status != AMQP_STATUS_OK) {
    socket_dead_ = true;
    throw BrokerError(std::string("connection to RabbitMQ lost: ") + amqp_error_string2(status));
  }
  if (frame.frame_type == AMQP_FRAME_METHOD) {
    const amqp_method_t& method = frame.payload.method;
    if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
      const std::string text = ServerCloseText(method);
      amqp_connection_close_ok_t ok{};
      amqp_send_method(state_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
      socket_dead_ = true;
      throw BrokerError(text);
    }
    if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
      const std::string text = ServerCloseText(method);
      amqp_channel_close_ok_t ok{};
      amqp_send_method(state_, frame.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
      channel_open_ = false;
      throw BrokerError(text);
    }
  }
  return frame;
}

std::optional<Delivery> AmqpConnection::HandleConsumerFrame(const amqp_frame_t& frame) {
  std::optional<Delivery> delivery;
  if (frame.frame_type == AMQP_FRAME_METHOD) {
    if (frame.payload.method.id == AMQP_BASIC_DELIVER_METHOD) {
      const auto* deliver = static_cast<const amqp_basic_deliver_t*>(frame.payload.method.decoded);
      delivery = ReadContent(deliver->delivery_tag, deliver->redelivered != 0, deliver->routing_key);
    } else if (frame.payload.method.id == AMQP_BASIC_CANCEL_METHOD) {
      channel_open_ = false;
      throw BrokerError("the broker cancelled the consumer (queue deleted?)");
    }
  }
  amqp_maybe_release_buffers_on_channel(state_, frame.channel);
  return delivery;
}

std::optional<Delivery> AmqpConnection::NextDelivery(std::chrono::milliseconds timeout) {
  if (!buffered_.empty()) {
    Delivery delivery = std::move(buffered_.front());
    buffered_.pop_front();
    return delivery;
  }
  const auto frame = NextFrame(timeout);
  if (!frame) return std::nullopt;
  return HandleConsumerFrame(*frame);
}

void AmqpConnection::Pump() {
  while (auto frame = NextFrame(std::chrono::milliseconds(0))) {
    if (auto delivery = HandleConsumerFrame(*frame)) buffered_.push_back(std::move(*delivery));
  }
}

void AmqpConnection::Ack(std::uint64_t tag, bool multiple) {
  CheckStatus(amqp_basic_ack(state_, channel_, tag, multiple ? 1 : 0), "ack");
}

void AmqpConnection::Nack(std::uint64_t tag, bool requeue) {
  CheckStatus(amqp_basic_nack(state_, channel_, tag, 0, requeue ? 1 : 0), "nack");
}

void AmqpConnection::Reject(std::uint64_t tag, bool requeue) {
  CheckStatus(amqp_basic_reject(state_, channel_, tag, requeue ? 1 : 0), "reject");
}

}  // namespace bookstore::bus::detail
