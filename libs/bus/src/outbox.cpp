#include "bookstore/bus/outbox.h"

#include <span>
#include <stdexcept>
#include <string>

#include "relay_registry.h"

namespace bookstore::bus {

const std::vector<db::Migration>& Migrations() {
  // (sent_at, id) lets the relay find unsent rows (sent_at IS NULL) in id order without walking the
  // sent ones still kept for the retention period, and lets the clean-up find old sent rows.
  static const std::vector<db::Migration> kMigrations = {
      {"bus_0001_outbox",
       "CREATE TABLE IF NOT EXISTS bus_outbox ("
       " id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,"
       " event_id VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
       " type VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
       " body MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
       " traceparent VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NULL,"
       " created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
       " sent_at DATETIME(6) NULL,"
       " PRIMARY KEY (id),"
       " KEY bus_outbox_unsent (sent_at, id)"
       ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"},
      {"bus_0002_inbox",
       "CREATE TABLE IF NOT EXISTS bus_inbox ("
       " event_id VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
       " type VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
       " received_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
       " PRIMARY KEY (event_id),"
       " KEY bus_inbox_received (received_at)"
       ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"},
  };
  return kMigrations;
}

namespace outbox {

void Add(db::Connection& c, const Event& event) { AddAll(c, std::span(&event, 1)); }

void AddAll(db::Connection& c, std::span<const Event> events) {
  if (!c.InTransaction()) {
    throw std::logic_error("outbox::Add must run inside the transaction of the change it announces");
  }
  if (events.empty()) return;
  db::ParamList params;
  for (const Event& event : events) {
    params.Add(db::Param{event.id});
    params.Add(db::Param{event.type});
    params.Add(db::Param{Serialize(event)});
    params.Add(event.traceparent.empty() ? db::Param{nullptr} : db::Param{event.traceparent});
  }
  // One statement: its rows get ascending ids in this order, which is the order the relay publishes.
  c.Execute("INSERT INTO bus_outbox (event_id, type, body, traceparent) VALUES " +
                db::Placeholders(events.size(), "(?, ?, ?, ?)"),
            params);
  c.AfterCommit(&detail::WakeRelays);
}

}  // namespace outbox
}  // namespace bookstore::bus
