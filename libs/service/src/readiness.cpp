#include "bookstore/service/readiness.h"

namespace bookstore::service {

void AddDatabaseAndBrokerChecks(http::Server& server, db::Pool& pool, const bus::Relay& relay,
                                const bus::InboxConsumer* consumer) {
  server.AddReadinessCheck("db", [&pool] { return pool.Healthy(); });
  server.AddReadinessCheck("broker", [&relay, consumer] {
    return relay.Connected() && (consumer == nullptr || consumer->Connected());
  });
}

}  // namespace bookstore::service
