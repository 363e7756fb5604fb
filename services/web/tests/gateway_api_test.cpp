// GatewayApi against real servers standing in for gateway replicas: what it reports to the cluster of
// replicas (passive health) and which replica it turns to.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "bookstore/http/server.h"
#include "gateway/api.h"

namespace bookstore::web {
namespace {

using namespace std::chrono_literals;

http::ServerOptions ReplicaOptions() {
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 1;
  options.access_log = false;
  options.handle_signals = false;
  return options;
}

// A gateway replica whose GET /events either opens a stream (one comment, then nothing) or refuses it with
// 503, as a draining gateway or one at EVENTS_MAX_STREAMS does.
class FakeGateway {
 public:
  explicit FakeGateway(bool refuses_streams) : server_(ReplicaOptions()) {
    server_.Get("/events", [refuses_streams](http::Context& ctx) -> http::Awaitable<http::Response> {
      if (refuses_streams) {
        co_return http::TextResponse("draining\n", http::Status::service_unavailable);
      }
      auto stream = co_await ctx.StartEventStream();
      co_await stream.Write(": open\n\n");
      co_return http::Response{};
    });
    server_.Start();
  }
  ~FakeGateway() {
    server_.Stop();
    server_.Wait();
  }
  FakeGateway(const FakeGateway&) = delete;
  FakeGateway& operator=(const FakeGateway&) = delete;

  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

 private:
  http::Server server_;
};

class GatewayApiTest : public ::testing::Test {
 protected:
  // Opens GET /events through `api` on the test's loop; the stream's status.
  unsigned OpenEventsStatus(GatewayApi& api) {
    const std::string token;
    const std::string client = "192.0.2.7";
    auto opened = boost::asio::co_spawn(
        io_,
        [&]() -> http::Awaitable<unsigned> {
          auto stream = co_await api.OpenEvents(token, ctx_, client);
          co_return stream.head().result_int();
        },
        boost::asio::use_future);
    io_.restart();
    io_.run_for(10s);
    if (opened.wait_for(0s) != std::future_status::ready) throw std::runtime_error("OpenEvents timed out");
    return opened.get();
  }

  boost::asio::io_context io_;  // before the client: its connections live in this loop
  http::Client client_;
  http::Context ctx_{http::Request{http::Verb::get, "/events", 11}};
};

TEST_F(GatewayApiTest, EventStreamRefusedWith503SetsTheReplicaAside) {
  FakeGateway draining(/*refuses_streams=*/true);
  http::Cluster gateways("gateway", {draining.url()});
  GatewayApi api(client_, gateways, 5s);

  EXPECT_EQ(OpenEventsStatus(api), 503U);  // the only replica: its answer is the answer

  const auto replicas = gateways.Replicas();
  ASSERT_EQ(replicas.size(), 1U);
  EXPECT_TRUE(replicas[0]->Ejected(http::SteadyClock::now()))
      << "a 503 on /events must count against the replica, as it does for every other call";
}

TEST_F(GatewayApiTest, EventStreamRefusedWith503IsOpenedOnAnotherReplica) {
  FakeGateway draining(/*refuses_streams=*/true);
  FakeGateway live(/*refuses_streams=*/false);
  http::Cluster gateways("gateway", {draining.url(), live.url()});
  GatewayApi api(client_, gateways, 5s);

  // Round robin would send every other attempt to the draining replica (and once set aside, panic mode
  // cannot happen with the live one available): each must end on the live one.
  for (int attempt = 0; attempt < 4; ++attempt) {
    EXPECT_EQ(OpenEventsStatus(api), 200U) << "attempt " << attempt;
  }
}

}  // namespace
}  // namespace bookstore::web
