#include "bookstore/bus/topology.h"

#include <array>
#include <stdexcept>

namespace bookstore::bus {
namespace {

struct QueueRow {
  std::string_view service;
  std::string_view queue;
  std::vector<std::string_view> bindings;
  std::vector<std::string_view> retired_bindings;
};

// The one table every component declares. Who consumes what is in docs/events.md.
// orders keeps no stock (catalog decides every reservation), so it does not take book.stock_changed, the
// one event of every sale: it was bound to book.* before, which a broker kept across the upgrade still
// holds until the declaration removes it.
const std::array<QueueRow, 2>& QueueTable() {
  static const std::array<QueueRow, 2> kTable = {{
      {"catalog", "catalog.events", {"order.placed", "order.cancelled", "user.registered"}, {}},
      {"orders",
       "orders.events",
       {"book.created", "book.updated", "book.deleted", "order.stock_reserved", "order.stock_rejected"},
       {"book.*"}},
  }};
  return kTable;
}

constexpr std::string_view kExchange = "bookstore.events";
constexpr std::string_view kDeadLetterExchange = "bookstore.dlx";
constexpr std::string_view kDeadSuffix = ".dead";

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    words.push_back(text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return words;
    start = dot + 1;
  }
}

bool WordsMatch(const std::vector<std::string_view>& pattern, std::size_t p,
                const std::vector<std::string_view>& key, std::size_t k) {
  while (p < pattern.size()) {
    if (pattern[p] == "#") {
      // '#' swallows zero or more words: try every possible rest of the key.
      for (std::size_t rest = k; rest <= key.size(); ++rest) {
        if (WordsMatch(pattern, p + 1, key, rest)) return true;
      }
      return false;
    }
    if (k == key.size()) return false;
    if (pattern[p] != "*" && pattern[p] != key[k]) return false;
    ++p;
    ++k;
  }
  return k == key.size();
}

}  // namespace

bool TopicMatches(std::string_view pattern, std::string_view routing_key) {
  return WordsMatch(Words(pattern), 0, Words(routing_key), 0);
}

Topology Topology::Default(std::string_view prefix, std::int64_t delivery_limit) {
  const std::string p(prefix);
  Topology topology;
  topology.exchange = p + std::string(kExchange);
  topology.dead_letter_exchange = p + std::string(kDeadLetterExchange);
  topology.delivery_limit = delivery_limit;
  for (const auto& row : QueueTable()) {
    ServiceQueue queue;
    queue.service = std::string(row.service);
    queue.name = p + std::string(row.queue);
    queue.dead_letter_queue = queue.name + std::string(kDeadSuffix);
    for (auto binding : row.bindings) queue.bindings.emplace_back(binding);
    for (auto binding : row.retired_bindings) queue.retired_bindings.emplace_back(binding);
    topology.queues.push_back(std::move(queue));
  }
  return topology;
}

const ServiceQueue& Topology::QueueOf(std::string_view service) const {
  for (const auto& queue : queues) {
    if (queue.service == service) return queue;
  }
  throw std::invalid_argument("no service queue for '" + std::string(service) + "' in the topology");
}

bool Topology::HasDurableRoute(std::string_view routing_key) const {
  for (const auto& queue : queues) {
    for (const auto& binding : queue.bindings) {
      if (TopicMatches(binding, routing_key)) return true;
    }
  }
  return false;
}

}  // namespace bookstore::bus
