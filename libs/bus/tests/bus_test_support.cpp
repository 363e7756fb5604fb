#include "bus_test_support.h"

#include "bookstore/db/migrations.h"

namespace bookstore::bus::test {

BusFixture::BusFixture() {
  options_.url = testing::AmqpUrl();
  options_.client_name = "bus-test";
  options_.topology = Topology::Default(testing::UniqueName("bus") + ".", /*delivery_limit=*/2);
  options_.consumer_workers = 2;
  options_.reconnect_backoff_max = std::chrono::milliseconds(1000);
}

BusFixture::~BusFixture() {
  try {
    BrokerAdmin(options_).DeleteTopology();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "could not delete the test topology " << options_.topology.exchange << ": " << e.what();
  }
}

void BusFixture::SetUp() {
  db::Migrate(pool_, Migrations());
  pool_.WithConnection([](db::Connection& c) {
    c.Execute(
        "CREATE TABLE effects (id BIGINT AUTO_INCREMENT PRIMARY KEY, event_id VARCHAR(100) NOT NULL,"
        " type VARCHAR(255) NOT NULL, KEY (event_id)) ENGINE=InnoDB");
  });
}

void BusFixture::AddToOutbox(const std::vector<Event>& events) {
  pool_.WithTransaction([&](db::Connection& c) {
    for (const auto& event : events) outbox::Add(c, event);
  });
}

InboxHandler BusFixture::RecordEffect() {
  return [](const Event& event, db::Connection& c) {
    c.Execute("INSERT INTO effects (event_id, type) VALUES (?, ?)", {event.id, event.type});
  };
}

std::int64_t BusFixture::EffectCount(const std::string& event_id) {
  return pool_.WithConnection([&](db::Connection& c) {
    return c.QueryOne("SELECT COUNT(*) FROM effects WHERE event_id = ?", {event_id})->Int(0);
  });
}

std::int64_t BusFixture::DistinctEffects() {
  return pool_.WithConnection(
      [](db::Connection& c) { return c.QueryOne("SELECT COUNT(DISTINCT event_id) FROM effects")->Int(0); });
}

std::int64_t BusFixture::MaxEffectsPerEvent() {
  return pool_.WithConnection([](db::Connection& c) {
    return c
        .QueryOne("SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM effects GROUP BY event_id) t")
        ->Int(0);
  });
}

std::int64_t BusFixture::UnsentRows() {
  return pool_.WithConnection([](db::Connection& c) {
    return c.QueryOne("SELECT COUNT(*) FROM bus_outbox WHERE sent_at IS NULL")->Int(0);
  });
}

std::int64_t BusFixture::OutboxRows(const std::string& event_id) {
  return pool_.WithConnection([&](db::Connection& c) {
    return c.QueryOne("SELECT COUNT(*) FROM bus_outbox WHERE event_id = ?", {event_id})->Int(0);
  });
}

}  // namespace bookstore::bus::test
