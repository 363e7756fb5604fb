#include "bookstore/http/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

#include "bookstore/log/log.h"

namespace bookstore::http {
namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

std::string AddressText(const sockaddr* address) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  const void* raw = nullptr;
  if (address->sa_family == AF_INET) {
    raw = &reinterpret_cast<const sockaddr_in*>(address)->sin_addr;  // NOLINT: the C socket API
  } else {
    raw = &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;  // NOLINT: the C socket API
  }
  return inet_ntop(address->sa_family, raw, text.data(), text.size()) != nullptr ? std::string(text.data())
                                                                                 : std::string();
}

}  // namespace

std::vector<std::string> ResolveHost(const std::string& host) {
  if (IsIpLiteral(host)) return {host};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
  if (rc != 0) throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(rc));
  const std::unique_ptr<addrinfo, AddrInfoDeleter> results(raw);
  std::vector<std::string> v4;
  std::vector<std::string> v6;
  for (const addrinfo* info = results.get(); info != nullptr; info = info->ai_next) {
    if (info->ai_family != AF_INET && info->ai_family != AF_INET6) continue;
    auto text = AddressText(info->ai_addr);
    auto& list = info->ai_family == AF_INET ? v4 : v6;
    if (!text.empty() && std::find(list.begin(), list.end(), text) == list.end()) {
      list.push_back(std::move(text));
    }
  }
  auto& chosen = v4.empty() ? v6 : v4;
  std::sort(chosen.begin(), chosen.end());
  if (chosen.empty()) throw std::runtime_error("no address for " + host);
  return std::move(chosen);
}

Resolver::Resolver(const std::vector<Cluster*>& clusters, std::chrono::milliseconds interval) {
  for (auto* cluster : clusters) {
    const auto& targets = cluster->targets();
    if (std::any_of(targets.begin(), targets.end(), [](const auto& t) { return !IsIpLiteral(t.host); })) {
      clusters_.push_back(cluster);
    }
  }
  Refresh();  // before the first request needs the clusters
  if (!clusters_.empty() && interval.count() > 0) {
    refresher_.emplace(
        "upstream lookup", interval, [this] { Refresh(); }, jobs::Periodic::FirstRound::kAfterInterval);
  }
}

Resolver::~Resolver() = default;

void Resolver::Refresh() {
  for (auto* cluster : clusters_) RefreshCluster(*cluster);
}

void Resolver::RefreshCluster(Cluster& cluster) {
  std::vector<Upstream> addresses;
  for (const auto& target : cluster.targets()) {
    auto& known = last_known_[target.host];
    try {
      auto fresh = ResolveHost(target.host);
      if (fresh != known) {
        log::Info("upstream addresses changed", {{"cluster", cluster.name()},
                                                 {"host", target.host},
                                                 {"count", static_cast<std::int64_t>(fresh.size())}});
      }
      known = std::move(fresh);
    } catch (const std::exception& e) {
      log::Warn("upstream lookup failed; keeping the last known addresses",
                {{"cluster", cluster.name()}, {"host", target.host}, {"error", e.what()}});
    }
    for (const auto& address : known) addresses.emplace_back(address, target.port);
  }
  cluster.SetReplicas(addresses);
}

}  // namespace bookstore::http
