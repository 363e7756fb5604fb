#include "bookstore/http/cluster.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "bookstore/http/client_address.h"
#include "bookstore/log/log.h"

namespace bookstore::http {
namespace {

constexpr std::array<std::string_view, 7> kOutcomeNames{
    "success", "connect_error", "unavailable", "server_error", "timeout", "broken", "dropped"};
constexpr int kMaxDoublings = 16;

bool Contains(std::span<const Replica* const> list, const Replica* replica) {
  return std::find(list.begin(), list.end(), replica) != list.end();
}

}  // namespace

Outcome OutcomeOfStatus(unsigned status) {
  if (status == 503) return Outcome::kUnavailable;
  if (status >= 500) return Outcome::kServerError;
  return Outcome::kSuccess;
}

Outcome OutcomeOf(const UpstreamError& error) {
  switch (error.kind()) {
    case UpstreamError::Kind::kConnect:
      return Outcome::kConnectFailure;
    case UpstreamError::Kind::kTimeout:
      return Outcome::kTimeout;
    case UpstreamError::Kind::kBroken:
      return Outcome::kBroken;
    case UpstreamError::Kind::kDropped:
      return Outcome::kDropped;
  }
  return Outcome::kBroken;
}

std::vector<GaugeRegistration> AddReplicaGauges(const Cluster& cluster) {
  auto count = [&cluster](bool ejected) {
    const auto now = SteadyClock::now();
    double n = 0;
    for (const auto& replica : cluster.Replicas()) n += replica->Ejected(now) == ejected ? 1 : 0;
    return n;
  };
  std::vector<GaugeRegistration> gauges;
  for (const bool ejected : {false, true}) {
    gauges.push_back(Metrics().AddGaugeFunction(
        "upstream_replicas", "Known replicas of each upstream, by state",
        [count, ejected] { return count(ejected); },
        {{"cluster", cluster.name()}, {"state", ejected ? "ejected" : "available"}}));
  }
  return gauges;
}

bool IsIpLiteral(const std::string& host) { return ParseIpAddress(host).has_value(); }

// ---- Replica ----

Replica::Replica(const std::string& cluster, Upstream upstream)
    : upstream_(std::move(upstream)), address_(upstream_.Authority()) {
  auto& metrics = Metrics();
  for (const auto name : kOutcomeNames) {
    outcome_counters_.push_back(
        &metrics.AddCounter("upstream_requests_total", "Attempts sent to an upstream replica, by result",
                            {{"cluster", cluster}, {"replica", address_}, {"result", std::string(name)}}));
  }
  ejection_counter_ = &metrics.AddCounter("upstream_ejections_total",
                                          "Times a replica was set aside by passive health checking",
                                          {{"cluster", cluster}, {"replica", address_}});
}

bool Replica::Available(SteadyClock::time_point now) const {
  return ejected_until_.load(std::memory_order_relaxed) <= now.time_since_epoch().count();
}

void Replica::Count(Outcome outcome) { outcome_counters_.at(static_cast<std::size_t>(outcome))->Inc(); }

// ---- Cluster ----

Cluster::Cluster(std::string name, const std::vector<std::string>& urls, HealthPolicy policy)
    : name_(std::move(name)), policy_(policy), replicas_(std::make_shared<const ReplicaList>()) {
  for (const auto& url : urls) targets_.push_back(Upstream::Parse(url));
  if (std::all_of(targets_.begin(), targets_.end(), [](const auto& t) { return IsIpLiteral(t.host); })) {
    SetReplicas(targets_);
  }
}

void Cluster::SetReplicas(const std::vector<Upstream>& addresses) {
  const auto current = Snapshot();
  auto fresh = std::make_shared<ReplicaList>();
  for (const auto& address : addresses) {
    const auto duplicate =
        std::find_if(fresh->begin(), fresh->end(), [&](const auto& r) { return r->upstream() == address; });
    if (duplicate != fresh->end()) continue;
    const auto kept = std::find_if(current->begin(), current->end(),
                                   [&](const auto& r) { return r->upstream() == address; });
    fresh->push_back(kept != current->end() ? *kept : std::make_shared<Replica>(name_, address));
  }
  std::lock_guard lock(mutex_);
  replicas_ = std::move(fresh);
}

std::shared_ptr<const Cluster::ReplicaList> Cluster::Snapshot() const {
  std::lock_guard lock(mutex_);
  return replicas_;
}

std::vector<std::shared_ptr<Replica>> Cluster::Replicas() const { return *Snapshot(); }

std::size_t Cluster::Size() const { return Snapshot()->size(); }

std::shared_ptr<Replica> Cluster::Pick(SteadyClock::time_point now, std::span<const Replica* const> exclude) {
  const auto replicas = Snapshot();
  const std::size_t n = replicas->size();
  if (n == 0) return nullptr;
  const std::uint64_t start = next_.fetch_add(1, std::memory_order_relaxed);
  const std::shared_ptr<Replica>* fallback = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& replica = (*replicas)[(start + i) % n];
    if (Contains(exclude, replica.get())) continue;
    if (replica->Available(now)) return replica;
    if (fallback == nullptr) fallback = &replica;
  }
  return fallback != nullptr ? *fallback : nullptr;
}

void Cluster::Report(Replica& replica, Outcome outcome, SteadyClock::time_point now) {
  replica.Count(outcome);
  switch (outcome) {
    case Outcome::kSuccess:
      replica.consecutive_failures_.store(0, std::memory_order_relaxed);
      if (replica.Available(now)) replica.ejections_in_a_row_.store(0, std::memory_order_relaxed);
      return;
    case Outcome::kConnectFailure:
    case Outcome::kDropped:
    case Outcome::kUnavailable:
      Eject(replica, now);
      return;
    case Outcome::kServerError:
    case Outcome::kTimeout:
    case Outcome::kBroken:
      if (replica.consecutive_failures_.fetch_add(1, std::memory_order_relaxed) + 1 >=
          policy_.consecutive_failures) {
        Eject(replica, now);
      }
      return;
  }
}

void Cluster::Eject(Replica& replica, SteadyClock::time_point now) {
  if (!replica.Available(now)) return;  // already set aside (by a parallel request)
  const int in_a_row =
      std::min(replica.ejections_in_a_row_.fetch_add(1, std::memory_order_relaxed), kMaxDoublings);
  const auto duration = std::min<std::chrono::milliseconds>(
      policy_.base_ejection * (std::int64_t{1} << in_a_row), policy_.max_ejection);
  replica.ejected_until_.store((now + duration).time_since_epoch().count(), std::memory_order_relaxed);
  replica.consecutive_failures_.store(0, std::memory_order_relaxed);
  replica.ejection_counter_->Inc();
  log::Warn("upstream replica set aside", {{"cluster", name_},
                                           {"replica", replica.address()},
                                           {"for_ms", static_cast<std::int64_t>(duration.count())}});
}

}  // namespace bookstore::http
