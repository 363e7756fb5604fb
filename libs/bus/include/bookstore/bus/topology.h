#pragma once
// The RabbitMQ topology of the store, as data (docs/design.md §3). Every component declares all of it,
// idempotently, each time it connects and before it publishes anything, so an event published before its
// consumer has ever run waits in that consumer's queue instead of being dropped as unroutable.
//
// Default names (Topology::Default()):
//   exchange bookstore.events (topic, durable)      dead-letter exchange bookstore.dlx (topic, durable)
//   catalog.events  quorum queue, bound to order.placed, order.cancelled, user.registered
//   orders.events   quorum queue, bound to book.created, book.updated, book.deleted,
//                   order.stock_reserved, order.stock_rejected
//   catalog.events.dead, orders.events.dead   durable queues on bookstore.dlx keeping dead messages
// user.registered goes to catalog because catalog keeps seller names (docs/events.md).
//
// Service queues are quorum queues with x-delivery-limit (a message redelivered more often is
// dead-lettered instead of blocking the queue), x-dead-letter-exchange = the dlx and
// x-dead-letter-routing-key = the queue's own name; each dead-letter queue is bound on the dlx with that
// name, so a dead message lands in the dead-letter queue of the service that gave up on it (its original
// routing key stays in the x-death header).
//
// Redeclaring a quorum queue with a different x-delivery-limit fails on the broker (PRECONDITION_FAILED);
// the bus then logs an error and keeps using the existing queue. To change the limit of an existing
// queue, delete it (or use a broker policy) during a maintenance window.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::bus {

struct ServiceQueue {
  std::string service;                // logical owner, e.g. "catalog"
  std::string name;                   // e.g. "catalog.events"
  std::vector<std::string> bindings;  // topic patterns on the events exchange
  // Patterns earlier versions bound: removed at every declaration, so that a broker kept across an
  // upgrade routes exactly like a new one (declaring never removes a binding by itself).
  std::vector<std::string> retired_bindings;
  std::string dead_letter_queue;  // e.g. "catalog.events.dead"
};

struct Topology {
  std::string exchange = "bookstore.events";
  std::string dead_letter_exchange = "bookstore.dlx";
  // Deliveries of one message after the first before it is dead-lettered (x-delivery-limit).
  std::int64_t delivery_limit = 5;
  std::vector<ServiceQueue> queues;

  // The store's topology. A non-empty prefix is prepended to every exchange and queue name
  // ("t42." gives t42.bookstore.events, t42.catalog.events, ...), so tests and side-by-side stores can
  // share a broker without seeing each other's messages.
  static Topology Default(std::string_view prefix = "", std::int64_t delivery_limit = 5);

  // The queue of a consuming service ("catalog", "orders"); throws std::invalid_argument when unknown.
  [[nodiscard]] const ServiceQueue& QueueOf(std::string_view service) const;

  // True when some service queue is bound to routing_key, i.e. a message with that key must never be
  // unroutable. Messages no service queue wants (say auth.token_revoked while no gateway runs) may be.
  [[nodiscard]] bool HasDurableRoute(std::string_view routing_key) const;
};

// AMQP topic matching: words separated by '.', '*' matches exactly one word, '#' zero or more words.
bool TopicMatches(std::string_view pattern, std::string_view routing_key);

}  // namespace bookstore::bus
