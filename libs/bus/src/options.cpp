#include "bookstore/bus/options.h"

#include "bookstore/config/env.h"

namespace bookstore::bus {

Options Options::FromEnv(config::Env& env, const std::string& component) {
  Options options;
  options.client_name = component;
  options.url = env.Secret("AMQP_URL", options.url, "RabbitMQ URL amqp://user:pass@host:port/vhost");
  const std::string prefix = env.String(
      "AMQP_NAME_PREFIX", "", "prefix of every exchange and queue name (to share one broker between stores)");
  const auto delivery_limit = env.Int("AMQP_DELIVERY_LIMIT", options.topology.delivery_limit, 0, 1000,
                                      "redeliveries of a failing event before it is dead-lettered");
  options.topology = Topology::Default(prefix, delivery_limit);
  options.heartbeat = std::chrono::duration_cast<std::chrono::seconds>(
      env.Duration("AMQP_HEARTBEAT", options.heartbeat, "AMQP heartbeat interval (0 disables)"));
  options.prefetch = static_cast<int>(
      env.Int("AMQP_PREFETCH", options.prefetch, 1, 65535, "unacknowledged deliveries per consumer worker"));
  options.consumer_workers =
      static_cast<int>(env.Int("AMQP_CONSUMER_WORKERS", options.consumer_workers, 1, 64,
                               "parallel event handlers (each one AMQP connection "
                               "and one database connection while handling)"));
  options.inbox_batch = static_cast<int>(
      env.Int("AMQP_INBOX_BATCH", options.inbox_batch, 1, 1000,
              "waiting events a consumer worker handles in one database transaction (1: each on its own)"));
  options.relay_poll_interval = env.Duration("OUTBOX_POLL_INTERVAL", options.relay_poll_interval,
                                             "how often the outbox relay looks for unsent events");
  options.relay_batch_size = static_cast<int>(
      env.Int("OUTBOX_BATCH_SIZE", options.relay_batch_size, 1, 10000, "events published per relay round"));
  options.outbox_retention =
      env.Duration("OUTBOX_RETENTION", options.outbox_retention, "how long sent outbox rows are kept");
  options.inbox_retention = env.Duration("INBOX_RETENTION", options.inbox_retention,
                                         "how long handled event ids are remembered for deduplication");
  return options;
}

}  // namespace bookstore::bus
