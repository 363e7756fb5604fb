#pragma once
// Settings shared by every part of the bus, read from the environment through libs/config.
//
//   bookstore::config::Env env("catalog", argc, argv);
//   auto bus_options = bookstore::bus::Options::FromEnv(env, "catalog");
//   ...declare the component's other settings...
//   env.Finish();

#include <chrono>
#include <stdexcept>
#include <string>

#include "bookstore/bus/topology.h"

namespace bookstore::config {
class Env;
}

namespace bookstore::bus {

// Any failure talking to RabbitMQ (connection refused, login, channel error, confirm timeout...). The
// background parts of the bus (Relay, consumers) catch it, log it and reconnect with backoff.
class BrokerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Options {
  // amqp://user:pass@host:port/vhost; "amqp://host/" and "amqp://host" both mean the vhost "/".
  std::string url = "amqp://guest:guest@127.0.0.1:5672/";
  // Shown in the management UI as the connection name, with the role appended ("catalog relay").
  std::string client_name = "bookstore";
  Topology topology = Topology::Default();

  std::chrono::seconds heartbeat{30};                // 0 disables AMQP heartbeats
  std::chrono::milliseconds connect_timeout{5000};   // TCP connect + login
  std::chrono::milliseconds rpc_timeout{10000};      // one declare/bind/qos round trip
  std::chrono::milliseconds confirm_timeout{10000};  // waiting for the confirms of one published batch
  std::chrono::milliseconds reconnect_backoff_min{100};
  std::chrono::milliseconds reconnect_backoff_max{3000};

  // Consumers.
  int prefetch = 50;  // unacknowledged deliveries per worker connection
  // InboxConsumer workers, each with its own connection and DB transaction. One by default: the broker
  // deals a queue's deliveries round-robin to its consumers, so each extra worker of a replica splits
  // the batches (AMQP_INBOX_BATCH) it could have handled in one transaction; replicas are what spread a
  // queue over processes. Bench 6 (docs/performance.md), orders across 1,000 books: 4 workers per
  // service 588 orders/s at 3.05 ms of CPU per order, 2 workers 808/s at 2.25 ms, 1 worker 885/s at 2.02.
  int consumer_workers = 1;
  // Deliveries already waiting that an InboxConsumer worker handles in one database transaction (one
  // commit, one log flush, instead of one per event); 1 handles each on its own.
  int inbox_batch = 32;
  std::chrono::milliseconds inbox_retention{std::chrono::hours(24 * 7)};  // then inbox rows are deleted

  // Outbox relay.
  std::chrono::milliseconds relay_poll_interval{200};  // also woken at once by Relay::Notify()
  int relay_batch_size = 500;                          // rows claimed, published and confirmed per round
  std::chrono::milliseconds outbox_retention{std::chrono::hours(24)};  // then sent rows are deleted

  // Declares and reads these variables (defaults as above):
  //   AMQP_URL (secret: holds a password; also AMQP_URL_FILE), AMQP_NAME_PREFIX (""), AMQP_HEARTBEAT (30s),
  //   AMQP_PREFETCH (50), AMQP_CONSUMER_WORKERS (1), AMQP_INBOX_BATCH (32), AMQP_DELIVERY_LIMIT (5),
  //   OUTBOX_POLL_INTERVAL (200ms), OUTBOX_BATCH_SIZE (500), OUTBOX_RETENTION (24h), INBOX_RETENTION (7d).
  // `component` becomes client_name. Errors are reported by env.Finish() like every other setting.
  static Options FromEnv(config::Env& env, const std::string& component);
};

}  // namespace bookstore::bus
