#pragma once
// Shared fixture of the bus integration tests: a throw-away database with the bus tables and an
// `effects` table the handlers write to, and a topology of its own on the test broker (every exchange
// and queue name carries a unique prefix), deleted afterwards.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bookstore/bus/bus.h"
#include "bookstore/db/db.h"
#include "bookstore/testing/testing.h"

namespace bookstore::bus::test {

class BusFixture : public ::testing::Test {
 protected:
  BusFixture();
  ~BusFixture() override;

  void SetUp() override;

  // Writes the events into the outbox in one committed transaction.
  void AddToOutbox(const std::vector<Event>& events);
  // A handler that records one row in `effects` per call, inside the inbox transaction.
  static InboxHandler RecordEffect();
  std::int64_t EffectCount(const std::string& event_id);
  std::int64_t DistinctEffects();
  std::int64_t MaxEffectsPerEvent();
  std::int64_t UnsentRows();
  std::int64_t OutboxRows(const std::string& event_id);

  [[nodiscard]] const ServiceQueue& CatalogQueue() const { return options_.topology.QueueOf("catalog"); }

  testing::TestDatabase database_{"bus"};
  db::Pool pool_{database_.Options()};
  Options options_;
};

}  // namespace bookstore::bus::test
