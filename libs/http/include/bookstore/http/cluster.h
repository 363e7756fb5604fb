#pragma once
// An upstream service as a set of replicas: round-robin selection and passive health checking, modelled
// on Envoy's clusters and outlier detection. The gateway has one per service (auth, catalog, orders); web
// has one for the gateway's replicas (GATEWAY_URLS).
//
// Replicas come from the configured URLs (AUTH_URLS, GATEWAY_URLS...): each IP literal is one replica; a host
// name (e.g. http://tasks.catalog:5002 under Swarm) stands for every address it resolves to, re-resolved
// periodically by the Resolver (resolver.h).
//
// Passive health: the router reports the outcome of every attempt. A replica is set aside ("ejected")
// at once after a refused/failed connection, a connection dropped without an answer, or a 503 (a dying,
// draining or broken replica should stop getting work quickly: a process killed mid-load still completes
// handshakes from its listen backlog for a moment and then resets them), and after `consecutive_failures`
// other failures in a row (5xx, timeouts, broken connections). It gets traffic again after the ejection time,
// which doubles for each ejection in a row (base_ejection .. max_ejection) and resets after a success. When
// every replica is set aside, requests still go to them in turn (Envoy's panic mode): a guess beats refusing
// everything.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "bookstore/http/client.h"
#include "bookstore/http/metrics.h"

namespace bookstore::http {

using SteadyClock = std::chrono::steady_clock;

// What happened to one attempt on a replica.
enum class Outcome {
  kSuccess,         // any response below 500
  kConnectFailure,  // refused, unreachable, connect timeout: the request was not sent
  kUnavailable,     // 503
  kServerError,     // another 5xx
  kTimeout,         // no complete response in time
  kBroken,          // connection broke mid-response, or an invalid response
  kDropped,         // connection closed or reset with no byte of response: the replica is going away
};

// The outcome of an answer with this status, and of a failed attempt.
Outcome OutcomeOfStatus(unsigned status);
Outcome OutcomeOf(const UpstreamError& error);

struct HealthPolicy {
  int consecutive_failures = 5;
  std::chrono::milliseconds base_ejection{2'000};
  std::chrono::milliseconds max_ejection{30'000};
};

class Replica {
 public:
  Replica(const std::string& cluster, Upstream upstream);

  [[nodiscard]] const Upstream& upstream() const { return upstream_; }
  // "10.0.0.5:5002", for logs and metric labels.
  [[nodiscard]] const std::string& address() const { return address_; }
  // Not set aside at `now`.
  [[nodiscard]] bool Available(SteadyClock::time_point now) const;
  [[nodiscard]] bool Ejected(SteadyClock::time_point now) const { return !Available(now); }

 private:
  friend class Cluster;
  void Count(Outcome outcome);

  Upstream upstream_;
  std::string address_;
  std::atomic<int> consecutive_failures_{0};
  std::atomic<int> ejections_in_a_row_{0};
  std::atomic<SteadyClock::rep> ejected_until_{0};  // steady clock ticks; 0: never ejected
  std::vector<Counter*> outcome_counters_;          // indexed by Outcome
  Counter* ejection_counter_;
};

class Cluster {
 public:
  // Throws std::invalid_argument for a URL Upstream::Parse refuses.
  Cluster(std::string name, const std::vector<std::string>& urls, HealthPolicy policy = {});

  [[nodiscard]] const std::string& name() const { return name_; }
  // False when no URL was given (the service is not configured: 503).
  [[nodiscard]] bool Configured() const { return !targets_.empty(); }
  // The URLs as configured; hosts may be names to resolve.
  [[nodiscard]] const std::vector<Upstream>& targets() const { return targets_; }

  // Replaces the replica set; replicas whose address stays keep their health state.
  void SetReplicas(const std::vector<Upstream>& addresses);
  [[nodiscard]] std::vector<std::shared_ptr<Replica>> Replicas() const;
  [[nodiscard]] std::size_t Size() const;

  // The next replica in round-robin order that is available and not in `exclude` (the replicas this
  // request already tried); in panic mode (none available) the next one not excluded; nullptr when
  // every replica is excluded or there are none.
  std::shared_ptr<Replica> Pick(SteadyClock::time_point now, std::span<const Replica* const> exclude = {});

  // Records the outcome of an attempt (metrics and passive health).
  void Report(Replica& replica, Outcome outcome, SteadyClock::time_point now);

  [[nodiscard]] const HealthPolicy& policy() const { return policy_; }

 private:
  using ReplicaList = std::vector<std::shared_ptr<Replica>>;
  [[nodiscard]] std::shared_ptr<const ReplicaList> Snapshot() const;
  void Eject(Replica& replica, SteadyClock::time_point now);

  std::string name_;
  std::vector<Upstream> targets_;
  HealthPolicy policy_;
  mutable std::mutex mutex_;
  std::shared_ptr<const ReplicaList> replicas_;
  std::atomic<std::uint64_t> next_{0};
};

// True when `host` is an IPv4 or IPv6 literal (no resolution needed).
bool IsIpLiteral(const std::string& host);

// The gauge upstream_replicas{cluster, state="available"|"ejected"} of the cluster, for as long as the
// registrations live (declare them after the cluster).
std::vector<GaugeRegistration> AddReplicaGauges(const Cluster& cluster);

}  // namespace bookstore::http
