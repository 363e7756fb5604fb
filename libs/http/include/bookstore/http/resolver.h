#pragma once
// Keeps the replica sets of clusters whose URLs name hosts (e.g. http://tasks.catalog:5002 under Swarm,
// which resolves to the address of every running replica) up to date: resolves them at construction and
// again every `interval` on a thread of its own (getaddrinfo blocks). IPv4 addresses are used when a name
// has any, else IPv6 ones. A failed lookup keeps the addresses that name had, so a DNS hiccup does not
// empty a cluster.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bookstore/http/cluster.h"
#include "bookstore/jobs/periodic.h"

namespace bookstore::http {

// Every address of `host` (IP literals are returned as they are); throws std::runtime_error when the
// lookup fails.
std::vector<std::string> ResolveHost(const std::string& host);

class Resolver {
 public:
  // Clusters without host names are left alone; when no cluster has one, no thread is started.
  Resolver(const std::vector<Cluster*>& clusters, std::chrono::milliseconds interval);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Resolves every named cluster now (also done once by the constructor).
  void Refresh();

 private:
  void RefreshCluster(Cluster& cluster);

  std::vector<Cluster*> clusters_;
  std::map<std::string, std::vector<std::string>> last_known_;  // host -> addresses; the refresher's only
  std::optional<jobs::Periodic> refresher_;  // last: started after everything it uses, stopped first
};

}  // namespace bookstore::http
