#pragma once
// The revoked token ids this replica must refuse, from two sources:
//  - auth.token_revoked events, through the replica's bus Subscriber (RevocationFeed below; the gateway's
//    live/feed.h), applied as they come;
//  - auth's GET /internal/revocations (everything still in force), loaded at start-up and again after
//    every (re)connection of the Subscriber, since events published while it was disconnected are lost.
// A load is retried with backoff until auth answers; Loaded() (a readiness condition) turns true after
// the first complete load.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "bookstore/auth/revocation.h"
#include "bookstore/bus/consumer.h"
#include "bookstore/bus/options.h"
#include "bookstore/http/client.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace bookstore::authn {

class RevocationSync {
 public:
  struct Options {
    std::string auth_urls;  // comma-separated base URLs of auth (or one name resolving to its replicas)
    std::chrono::milliseconds timeout{5'000};
    std::chrono::milliseconds retry_initial{200};
    std::chrono::milliseconds retry_max{5'000};
  };

  // `client`, `into` and `io` must outlive the loads (stop `io` before destroying them).
  RevocationSync(Options options, http::Client& client, auth::RevocationSet& into,
                 boost::asio::io_context& io);

  // Starts a load on `io` unless one is running; if one is running, it loads once more after it. Thread-safe.
  void Load();
  [[nodiscard]] bool Loaded() const { return loaded_.load(); }

 private:
  void Spawn();

  Options options_;
  http::Client& client_;
  auth::RevocationSet& into_;
  boost::asio::io_context& io_;
  std::atomic<bool> loaded_{false};
  std::atomic<bool> running_{false};
  std::atomic<bool> again_{false};
};

// Both sources together for a service (catalog, orders): a per-replica bus::Subscriber bound to
// auth.token_revoked, and a RevocationSync loaded at start-up and after every reconnection. Not a
// readiness condition of those services (auth may be away; the gateway refuses revoked tokens meanwhile).
// Create it after the server whose io_context it uses, so it is destroyed first.
class RevocationFeed {
 public:
  // More events the service wants on the same per-replica queue and broker connection (catalog: book.*
  // for its book answers). `handler` gets every event but auth.token_revoked; `on_connected` runs after
  // each (re)connection, next to the revocations' reload.
  struct AlsoFeed {
    std::vector<std::string> binding_keys;
    bus::EventHandler handler;
    std::function<void()> on_connected;
  };

  RevocationFeed(const bus::Options& bus, std::string auth_urls, http::Client& client,
                 auth::RevocationSet& into, boost::asio::io_context& io, AlsoFeed also = {});

  [[nodiscard]] bool Connected() const noexcept { return subscriber_.Connected(); }

 private:
  AlsoFeed also_;
  RevocationSync sync_;
  bus::Subscriber subscriber_;  // last: stopped before the set and the sync it feeds
};

}  // namespace bookstore::authn
