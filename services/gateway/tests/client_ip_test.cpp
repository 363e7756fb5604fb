#include "filters/client_ip/client_ip.h"

#include <gtest/gtest.h>

#include "bookstore/testing/pipeline.h"
#include "filters/request_state.h"

namespace bookstore::gateway {
namespace {

// What the filter decides for a request from `peer`: the client address, and the headers sent upstream.
struct Filtered {
  std::string client_ip;
  std::string forwarded_for;
  bool secret_forwarded = false;
};

Filtered Filter(const http::TrustedProxies& trusted, const std::string& proxy_secret, std::string_view peer,
                std::string_view forwarded_for, std::string_view presented_secret) {
  http::Request request{http::Verb::get, "/books", 11};
  request.set("X-Forwarded-For", forwarded_for);
  if (!presented_secret.empty()) request.set(kProxySecretHeader, presented_secret);
  http::Context ctx(std::move(request), "test", peer);
  RequestState state;
  AttachState(ctx, state);
  Filtered filtered;
  http::detail::Pipeline pipeline;
  pipeline.middleware.push_back(ClientIpFilter(trusted, proxy_secret));
  pipeline.terminal = [&](http::Context& c) -> http::Awaitable<http::Response> {
    filtered.forwarded_for = std::string(c.request()["X-Forwarded-For"]);
    filtered.secret_forwarded = c.request().find(kProxySecretHeader) != c.request().end();
    co_return http::EmptyResponse(http::Status::ok);
  };
  testing::RunPipeline(pipeline, ctx);
  filtered.client_ip = state.client_ip;
  return filtered;
}

TEST(ClientIpFilterTest, WithAProxySecretOnlyAPeerThatPresentsItIsBelieved) {
  const http::TrustedProxies local({"127.0.0.1"});
  const std::string secret = "0123456789abcdef0123456789abcdef";
  const auto web = Filter(local, secret, "127.0.0.1", "198.51.100.7", secret);
  EXPECT_EQ(web.client_ip, "198.51.100.7");
  EXPECT_EQ(web.forwarded_for, "198.51.100.7, 127.0.0.1");
  EXPECT_FALSE(web.secret_forwarded);  // never passed on to the services

  // Another local client: same address, no secret or a wrong one.
  for (const std::string_view presented : {std::string_view(), std::string_view("guess")}) {
    const auto forger = Filter(local, secret, "127.0.0.1", "198.51.100.8", presented);
    EXPECT_EQ(forger.client_ip, "127.0.0.1");
    EXPECT_EQ(forger.forwarded_for, "127.0.0.1");
    EXPECT_FALSE(forger.secret_forwarded);
  }
  // The secret does not make an untrusted address a proxy.
  EXPECT_EQ(Filter(local, secret, "203.0.113.4", "198.51.100.9", secret).client_ip, "203.0.113.4");
  // Without a configured secret, the address alone decides (as inside a swarm's internal network).
  EXPECT_EQ(Filter(local, "", "127.0.0.1", "198.51.100.7", "").client_ip, "198.51.100.7");
}

}  // namespace
}  // namespace bookstore::gateway
