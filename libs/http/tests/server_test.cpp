// A real Server on an ephemeral loopback port, exercised with the Client and with raw sockets.

#include "bookstore/http/server.h"

#include <gtest/gtest.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

#include "bookstore/http/client.h"
#include "bookstore/http/trace_context.h"
#include "test_request.h"

namespace bookstore::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kDeadline = 10s;

ServerOptions TestOptions() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.access_log = false;
  options.handle_signals = false;
  return options;
}

// Polls `condition` until it holds or the deadline passes.
template <typename Condition>
bool Eventually(Condition condition, std::chrono::milliseconds deadline = 5s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

boost::json::value JsonOf(const Response& res) { return boost::json::parse(res.body()); }

// Raw socket helpers (blocking, each bounded by poll() with a deadline).
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : socket_(BlockingContext()) {
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
    socket_.set_option(tcp::no_delay(true));  // each Send its own segment
  }

  void Send(std::string_view bytes) { net::write(socket_, net::buffer(bytes.data(), bytes.size())); }

  // Whether the socket becomes readable (data or EOF) within the deadline.
  bool WaitReadable(std::chrono::milliseconds deadline) {
    pollfd fd{socket_.native_handle(), POLLIN, 0};
    return ::poll(&fd, 1, static_cast<int>(deadline.count())) == 1;
  }

  // Everything until the server closes the connection ("" on timeout).
  std::string ReadToEnd() {
    std::string out;
    std::array<char, 4096> buf{};
    for (;;) {
      if (!WaitReadable(kDeadline)) return out;
      boost::system::error_code ec;
      const auto n = socket_.read_some(net::buffer(buf), ec);
      if (ec) return out;
      out.append(buf.data(), n);
    }
  }

  // True when the server closed the connection (EOF or reset) within the deadline.
  bool ClosedByServer(std::chrono::milliseconds deadline) {
    if (!WaitReadable(deadline)) return false;
    std::array<char, 64> buf{};
    boost::system::error_code ec;
    socket_.read_some(net::buffer(buf), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

 private:
  // Blocking sockets only need a context to belong to; it never runs.
  static net::io_context& BlockingContext() {
    static net::io_context context;
    return context;
  }
  tcp::socket socket_;
};

class ServerTest : public ::testing::Test {
 protected:
  // Runs a client coroutine on the test's own event loop, failing the test when it takes too long.
  template <typename T>
  T Await(Awaitable<T> operation) {
    auto future = net::co_spawn(ioc_, std::move(operation), net::use_future);
    ioc_.restart();
    ioc_.run_for(kDeadline);
    if (future.wait_for(0s) != std::future_status::ready) {
      throw std::runtime_error("client operation timed out");
    }
    return future.get();
  }

  Response Send(const Server& server, Request request, std::chrono::milliseconds timeout = 5s) {
    return Await(client_.Send(Upstream{"127.0.0.1", server.port()}, std::move(request), timeout));
  }

  Response Get(const Server& server, const std::string& target) {
    return Send(server, MakeRequest(Verb::get, target));
  }

  // Declared before the servers of the tests: the client's pool lives in this loop.
  net::io_context ioc_;
  Client client_;
};

void AddBookRoutes(Server& server) {
  server.Get("/books/{id}", [](Context& ctx) -> Awaitable<Response> {
    co_return JsonResponse(boost::json::object{{"id", ctx.IdParam("id")}, {"route", ctx.route()}});
  });
  server.Post("/orders/{id}/pay", [](Context& ctx) -> Awaitable<Response> {
    auto body = ParseJsonObject(ctx.request());
    co_return JsonResponse(
        boost::json::object{{"order", ctx.IdParam("id")}, {"method", RequiredString(body, "method")}});
  });
  server.Post("/books/{id}/reserve", [](Context&) -> Awaitable<Response> {
    throw Conflict("insufficient stock");
    co_return Response{};
  });
  server.Get("/boom", [](Context&) -> Awaitable<Response> {
    throw std::runtime_error("secret internal detail");
    co_return Response{};
  });
  server.Get("/search", [](Context& ctx) -> Awaitable<Response> {
    boost::json::array tags;
    for (const auto& t : ctx.QueryAll("tag")) tags.emplace_back(t);
    co_return JsonResponse(boost::json::object{
        {"q", ctx.Query("q").value_or("")}, {"limit", ctx.QueryInt("limit", 20, 1, 100)}, {"tags", tags}});
  });
  server.Post("/echo",
              [](Context& ctx) -> Awaitable<Response> { co_return TextResponse(ctx.request().body()); });
}

TEST_F(ServerTest, RoutesWithParamsAnd404And405Problems) {
  Server server(TestOptions());
  AddBookRoutes(server);
  server.Start();

  auto book = Get(server, "/books/42");
  EXPECT_EQ(book.result(), Status::ok);
  EXPECT_EQ(book[Field::content_type], "application/json");
  EXPECT_EQ(JsonOf(book), boost::json::parse(R"({"id":42,"route":"/books/{id}"})"));

  auto pay = Send(server, MakeRequest(Verb::post, "/orders/9/pay", R"({"method":"paypal"})"));
  EXPECT_EQ(pay.result(), Status::ok);
  EXPECT_EQ(JsonOf(pay), boost::json::parse(R"({"order":9,"method":"paypal"})"));

  auto missing = Get(server, "/nowhere");
  EXPECT_EQ(missing.result(), Status::not_found);
  EXPECT_EQ(missing[Field::content_type], "application/problem+json");
  EXPECT_EQ(JsonOf(missing).at("status"), 404);

  auto wrong_method = Send(server, MakeRequest(Verb::delete_, "/orders/9/pay"));
  EXPECT_EQ(wrong_method.result(), Status::method_not_allowed);
  EXPECT_EQ(wrong_method[Field::allow], "POST");
  EXPECT_EQ(JsonOf(wrong_method).at("title"), "Method Not Allowed");

  auto not_an_id = Get(server, "/books/abc");
  EXPECT_EQ(not_an_id.result(), Status::not_found);

  auto bad_json = Send(server, MakeRequest(Verb::post, "/orders/9/pay", "{nope"));
  EXPECT_EQ(bad_json.result(), Status::bad_request);
  auto missing_field = Send(server, MakeRequest(Verb::post, "/orders/9/pay", "{}"));
  EXPECT_EQ(JsonOf(missing_field).at("field"), "method");

  auto search = Get(server, "/search?q=harry+potter&limit=5&tag=a&tag=b");
  EXPECT_EQ(JsonOf(search), boost::json::parse(R"({"q":"harry potter","limit":5,"tags":["a","b"]})"));
  auto bad_limit = Get(server, "/search?limit=0");
  EXPECT_EQ(bad_limit.result(), Status::bad_request);
  EXPECT_EQ(JsonOf(bad_limit).at("field"), "limit");
}

TEST_F(ServerTest, ErrorsBecomeProblemDetailsWithTheErrorMember) {
  Server server(TestOptions());
  AddBookRoutes(server);
  server.Start();
  auto res = Send(server, MakeRequest(Verb::post, "/books/1/reserve"));
  EXPECT_EQ(res.result(), Status::conflict);
  EXPECT_EQ(res[Field::content_type], "application/problem+json");
  EXPECT_EQ(JsonOf(res),
            boost::json::parse(R"({"type":"about:blank","title":"Conflict","status":409,)"
                               R"("detail":"insufficient stock","error":"insufficient stock"})"));
}

TEST_F(ServerTest, UnknownExceptionIs500WithoutDetailsAndServerKeepsServing) {
  Server server(TestOptions());
  AddBookRoutes(server);
  server.Start();
  auto res = Get(server, "/boom");
  EXPECT_EQ(res.result(), Status::internal_server_error);
  EXPECT_EQ(JsonOf(res).at("detail"), "internal server error");
  EXPECT_EQ(res.body().find("secret"), std::string::npos);
  EXPECT_EQ(Get(server, "/books/1").result(), Status::ok);
  EXPECT_EQ(Get(server, "/boom").result(), Status::internal_server_error);
  EXPECT_EQ(Get(server, "/healthz").result(), Status::ok);
}

TEST_F(ServerTest, RequestIdIsGeneratedEchoedOrReplaced) {
  Server server(TestOptions());
  server.Get("/id", [](Context& ctx) -> Awaitable<Response> { co_return TextResponse(ctx.request_id()); });
  server.Start();

  auto generated = Get(server, "/id");
  const std::string id(generated["X-Request-ID"]);
  EXPECT_EQ(id.size(), 32U);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(generated.body(), id);
  EXPECT_NE(Get(server, "/id")["X-Request-ID"], id);

  auto req = MakeRequest(Verb::get, "/id");
  req.set("X-Request-ID", "client-chosen-id-123");
  auto echoed = Send(server, std::move(req));
  EXPECT_EQ(echoed["X-Request-ID"], "client-chosen-id-123");
  EXPECT_EQ(echoed.body(), "client-chosen-id-123");

  for (const std::string& bad : {std::string(200, 'a'), std::string("has space"), std::string("tab\there")}) {
    auto r = MakeRequest(Verb::get, "/id");
    r.set("X-Request-ID", bad);
    auto replaced = Send(server, std::move(r));
    EXPECT_NE(replaced["X-Request-ID"], bad);
    EXPECT_EQ(replaced["X-Request-ID"].size(), 32U);
  }
  // Also on problems.
  auto missing = Get(server, "/missing");
  EXPECT_EQ(missing["X-Request-ID"].size(), 32U);
}

TEST_F(ServerTest, EveryRequestBelongsToATraceContinuedOrStarted) {
  Server server(TestOptions());
  server.Get("/trace", [](Context& ctx) -> Awaitable<Response> {
    co_return TextResponse(TraceparentOf(ctx) + " " + std::string(ctx.trace_id()));
  });
  server.Start();
  auto seen = [&](std::optional<std::string> traceparent) {
    auto req = MakeRequest(Verb::get, "/trace");
    if (traceparent) req.set("traceparent", *traceparent);
    const std::string body = Send(server, std::move(req)).body();
    const auto space = body.find(' ');
    return std::pair(body.substr(0, space), body.substr(space + 1));
  };

  const std::string client = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  EXPECT_EQ(seen(client), std::pair(client, std::string("4bf92f3577b34da6a3ce929d0e0e4736")));

  for (const std::optional<std::string>& none :
       {std::optional<std::string>(), std::optional<std::string>("garbage"),
        std::optional(std::string(203, 'a'))}) {
    const auto [traceparent, trace_id] = seen(none);
    EXPECT_TRUE(ValidTraceparent(traceparent)) << traceparent;
    EXPECT_EQ(trace_id, TraceIdOf(traceparent));
    EXPECT_NE(trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  }
  EXPECT_NE(seen(std::nullopt).second, seen(std::nullopt).second);
}

TEST_F(ServerTest, BodyOverTheLimitGets413) {
  Server server(TestOptions());
  AddBookRoutes(server);
  server.Start();
  auto res = Send(server, MakeRequest(Verb::post, "/echo", std::string(2 * 1024 * 1024, 'x')));
  EXPECT_EQ(res.result(), Status::payload_too_large);
  EXPECT_EQ(JsonOf(res).at("status"), 413);
  auto ok = Send(server, MakeRequest(Verb::post, "/echo", std::string(1000, 'y')));
  EXPECT_EQ(ok.result(), Status::ok);
  EXPECT_EQ(ok.body().size(), 1000U);
}

TEST_F(ServerTest, OversizedHeaderGets431) {
  Server server(TestOptions());
  server.Start();
  RawConnection raw(server.port());
  raw.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'h') + "\r\n\r\n");
  const auto reply = raw.ReadToEnd();
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 431")) << reply.substr(0, 100);
}

TEST_F(ServerTest, MalformedRequestGets400Problem) {
  Server server(TestOptions());
  server.Start();
  RawConnection raw(server.port());
  raw.Send("this is not http\r\n\r\n");
  const auto reply = raw.ReadToEnd();
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << reply;
  EXPECT_NE(reply.find("application/problem+json"), std::string::npos) << reply;
  EXPECT_NE(reply.find("\"status\":400"), std::string::npos) << reply;
  EXPECT_EQ(Get(server, "/healthz").result(), Status::ok);
}

// Issue 13, finding 8: "Transfer-Encoding: gzip" was taken as "no body", and the body was then parsed as a
// second request (request smuggling behind any proxy that reads the framing differently).
TEST_F(ServerTest, TransferCodingOtherThanChunkedGets400AndTheConnectionCloses) {
  Server server(TestOptions());
  AddBookRoutes(server);
  server.Start();
  for (const std::string coding :
       {"gzip", "gzip, chunked", "chunked, gzip", "identity", "", "chunked, chunked", "chunked,chunked"}) {
    RawConnection raw(server.port());
    raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding +
             "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto reply = raw.ReadToEnd();
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << coding << ": " << reply;
    EXPECT_EQ(reply.find("HTTP/1.1", 1), std::string::npos) << coding << ": a second response: " << reply;
  }
  RawConnection chunked(server.port());
  chunked.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "2\r\nhi\r\n0\r\n\r\n");
  const auto reply = chunked.ReadToEnd();
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
  EXPECT_TRUE(reply.ends_with("hi")) << reply;
}

// Found by fuzz/http_request.cpp: Beast 1.81 asserts wrongly when a body's first chunk is its last, whose
// line has arrived and its trailer only partly ("0\r\n", then "\r"): a Debug server aborted
// (libs/boost_assert/boost_assert.cpp).
// The pauses only make the pieces separate reads likely; coalesced, the test still passes, as it must.
TEST_F(ServerTest, LastChunkArrivingInPiecesIsServed) {
  Server server(TestOptions());
  AddBookRoutes(server);
  server.Start();
  RawConnection raw(server.port());
  raw.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "0\r\n");
  for (const std::string_view piece : {"\r", "\n"}) {
    std::this_thread::sleep_for(50ms);
    raw.Send(piece);
  }
  const auto reply = raw.ReadToEnd();
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
  EXPECT_TRUE(reply.ends_with("\r\n\r\n")) << "an empty body: " << reply;
}

TEST_F(ServerTest, SilentClientIsDisconnectedAfterReadTimeout) {
  auto options = TestOptions();
  options.read_timeout = 200ms;
  Server server(options);
  server.Start();
  RawConnection silent(server.port());
  EXPECT_TRUE(silent.ClosedByServer(kDeadline));

  // A slowloris sending a byte at a time is cut off too.
  RawConnection slow(server.port());
  slow.Send("GET /healthz HTTP/1.1\r\n");
  EXPECT_TRUE(slow.ClosedByServer(kDeadline));
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  auto options = TestOptions();
  options.idle_timeout = 200ms;
  Server server(options);
  server.Start();
  RawConnection raw(server.port());
  raw.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(raw.WaitReadable(kDeadline));
  EXPECT_TRUE(Eventually([&] { return server.connections_open() == 0; }));
}

TEST_F(ServerTest, ClientReusesKeepAliveConnections) {
  Server server(TestOptions());
  AddBookRoutes(server);
  server.Start();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Get(server, "/books/" + std::to_string(i + 1)).result(), Status::ok);
  EXPECT_EQ(server.connections_accepted(), 1U);
}

// A pooled connection the upstream closed (its idle timeout) is never a failed request: a POST's is found
// closed by the client's check before use; a GET skips the check and is sent again on a new connection.
TEST_F(ServerTest, ClientRecoversWhenThePooledConnectionWasClosed) {
  auto options = TestOptions();
  options.idle_timeout = 100ms;
  Server server(options);
  AddBookRoutes(server);
  server.Start();
  EXPECT_EQ(Send(server, MakeRequest(Verb::post, "/echo", "first")).body(), "first");
  ASSERT_TRUE(Eventually([&] { return server.connections_open() == 0; }));  // closed while pooled
  EXPECT_EQ(Send(server, MakeRequest(Verb::post, "/echo", "second")).body(), "second");
  EXPECT_EQ(server.connections_accepted(), 2U);
  ASSERT_TRUE(Eventually([&] { return server.connections_open() == 0; }));
  EXPECT_EQ(Get(server, "/books/2").result(), Status::ok);
  EXPECT_EQ(server.connections_accepted(), 3U);
}

// An upstream that answers a first request on a keep-alive connection, then reads a second one, stops
// listening and resets the connection without answering: as a replica that committed and was killed.
class DiesOnSecondRequest {
 public:
  DiesOnSecondRequest()
      : acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0}), thread_([this] {
          tcp::socket socket(ioc_);
          acceptor_.accept(socket);
          boost::system::error_code ec;
          ReadHead(socket, ec);
          static constexpr std::string_view kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
          net::write(socket, net::buffer(kOk.data(), kOk.size()), ec);
          ReadHead(socket, ec);
          acceptor_.close(ec);  // a request sent again is refused: the test sees kConnect
          socket.set_option(net::socket_base::linger(true, 0), ec);
        }) {}
  ~DiesOnSecondRequest() { thread_.join(); }
  DiesOnSecondRequest(const DiesOnSecondRequest&) = delete;
  DiesOnSecondRequest& operator=(const DiesOnSecondRequest&) = delete;

  [[nodiscard]] Upstream upstream() const { return {"127.0.0.1", port_}; }

 private:
  static void ReadHead(tcp::socket& socket, boost::system::error_code& ec) {
    std::string received;
    std::array<char, 4096> chunk{};
    while (received.find("\r\n\r\n") == std::string::npos && !ec) {
      received.append(chunk.data(), socket.read_some(net::buffer(chunk), ec));
    }
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = acceptor_.local_endpoint().port();
  std::thread thread_;
};

// Issue 13, finding 11: a POST to a replica that committed and then died was sent again, creating two books.
TEST_F(ServerTest, ClientResendsOnlyWhatIsSafeToSendTwice) {
  const auto second_attempt = [this](Request second) {
    DiesOnSecondRequest upstream;
    EXPECT_EQ(Await(client_.Send(upstream.upstream(), MakeRequest(Verb::get, "/first"), 5s)).body(), "ok");
    try {
      Await(client_.Send(upstream.upstream(), std::move(second), 5s));
      ADD_FAILURE() << "the upstream never answers the second request";
    } catch (const UpstreamError& e) {
      return e.kind();
    }
    return UpstreamError::Kind::kBroken;
  };
  // Not replayable: reported as possibly processed, never sent again.
  EXPECT_EQ(second_attempt(MakeRequest(Verb::post, "/books", "{}")), UpstreamError::Kind::kDropped);
  EXPECT_EQ(second_attempt(MakeRequest(Verb::put, "/books/1", "{}")), UpstreamError::Kind::kDropped);
  // Replayable: sent again on a fresh connection (refused here, since the upstream is gone).
  EXPECT_EQ(second_attempt(MakeRequest(Verb::get, "/books/1")), UpstreamError::Kind::kConnect);
  Request keyed = MakeRequest(Verb::post, "/orders", "{}");
  keyed.set("Idempotency-Key", "k-1");
  EXPECT_EQ(second_attempt(std::move(keyed)), UpstreamError::Kind::kConnect);
}

TEST_F(ServerTest, ClientTellsConnectFailureFromTimeout) {
  std::uint16_t closed_port = 0;
  {
    net::io_context ioc;
    tcp::acceptor probe(ioc, {net::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  try {
    Await(client_.Send(Upstream{"127.0.0.1", closed_port}, MakeRequest(Verb::get, "/"), 2s));
    ADD_FAILURE() << "connected to a closed port";
  } catch (const UpstreamError& e) {
    EXPECT_EQ(e.kind(), UpstreamError::Kind::kConnect) << e.what();
    EXPECT_FALSE(e.maybe_processed());
  }

  std::atomic<bool> release{false};
  Server server(TestOptions());
  server.Get("/slow", [&](Context&) -> Awaitable<Response> {
    net::steady_timer timer(co_await net::this_coro::executor);
    while (!release.load()) {
      timer.expires_after(5ms);
      co_await timer.async_wait(net::use_awaitable);
    }
    co_return TextResponse("late");
  });
  server.Start();
  try {
    Send(server, MakeRequest(Verb::get, "/slow"), 200ms);
    ADD_FAILURE() << "no timeout";
  } catch (const UpstreamError& e) {
    EXPECT_EQ(e.kind(), UpstreamError::Kind::kTimeout) << e.what();
    EXPECT_TRUE(e.maybe_processed());
  }
  release = true;
}

// A one-shot upstream: accepts one connection, reads the request head, writes `reply` and closes.
class OneShotUpstream {
 public:
  explicit OneShotUpstream(std::string reply)
      : acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0}), thread_([this, reply = std::move(reply)] {
          tcp::socket socket(ioc_);
          acceptor_.accept(socket);
          std::string received;
          std::array<char, 4096> chunk{};
          boost::system::error_code ec;
          while (received.find("\r\n\r\n") == std::string::npos && !ec) {
            received.append(chunk.data(), socket.read_some(net::buffer(chunk), ec));
          }
          if (!reply.empty()) net::write(socket, net::buffer(reply), ec);
          socket.set_option(net::socket_base::linger(true, 0), ec);  // reset, as a killed process does
        }) {}
  ~OneShotUpstream() { thread_.join(); }
  OneShotUpstream(const OneShotUpstream&) = delete;
  OneShotUpstream& operator=(const OneShotUpstream&) = delete;

  [[nodiscard]] Upstream upstream() const { return {"127.0.0.1", acceptor_.local_endpoint().port()}; }

 private:
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

TEST_F(ServerTest, ClientTellsADroppedConnectionFromOneBrokenMidResponse) {
  const auto kind_of_failure = [&](std::string reply) {
    OneShotUpstream upstream(std::move(reply));
    try {
      Await(client_.Send(upstream.upstream(), MakeRequest(Verb::post, "/orders", "{}"), 5s));
    } catch (const UpstreamError& e) {
      EXPECT_TRUE(e.maybe_processed()) << e.what();
      return e.kind();
    }
    ADD_FAILURE() << "no failure";
    return UpstreamError::Kind::kConnect;
  };
  EXPECT_EQ(kind_of_failure(""), UpstreamError::Kind::kDropped);
  EXPECT_EQ(kind_of_failure("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart"),
            UpstreamError::Kind::kBroken);
}

TEST_F(ServerTest, MetricsCountRequestsPerRoute) {
  Server server(TestOptions());
  AddBookRoutes(server);
  server.Start();
  Get(server, "/books/1");
  Get(server, "/books/2");
  Get(server, "/nowhere/at/all");
  const std::string expected = "http_requests_total{method=\"GET\",route=\"/books/{id}\",status=\"200\"} 2\n";
  std::string text;
  EXPECT_TRUE(Eventually([&] {
    text = Get(server, "/metrics").body();
    return text.find(expected) != std::string::npos;
  })) << text;
  EXPECT_NE(text.find("http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("http_request_duration_seconds_bucket{method=\"GET\",route=\"/books/"
                      "{id}\",status=\"200\",le=\"+Inf\"} 2"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("/nowhere"), std::string::npos);
}

TEST_F(ServerTest, ReadyzRunsChecksAndFailsWhenOneFails) {
  Server server(TestOptions());
  server.AddReadinessCheck("db", [] { return true; });
  server.AddReadinessCheck("amqp", []() -> bool { throw std::runtime_error("connection refused"); });
  server.Start();
  const auto expected = boost::json::parse(
      R"({"status":"not ready","checks":{"db":"ok","amqp":"failed: connection refused"}})");
  Response res;
  EXPECT_TRUE(Eventually([&] {  // the checks run in the background, right after Start()
    res = Get(server, "/readyz");
    return JsonOf(res) == expected;
  })) << res.body();
  EXPECT_EQ(res.result(), Status::service_unavailable);
  EXPECT_EQ(Get(server, "/healthz").result(), Status::ok);
}

TEST_F(ServerTest, ReadinessIsCheckedInTheBackgroundAndAProbeNeverWaitsForAHungDependency) {
  auto options = TestOptions();
  options.readiness_interval = 20ms;
  options.readiness_timeout = 200ms;
  std::atomic<bool> healthy{true};
  std::atomic<bool> hang{false};
  std::atomic<int> runs{0};
  std::promise<void> release;
  auto released = release.get_future().share();
  Server server(options);
  server.AddReadinessCheck("db", [&] {
    ++runs;
    if (hang.load()) released.wait();  // a dependency that does not answer
    return healthy.load();
  });
  server.Start();
  EXPECT_TRUE(Eventually([&] { return Get(server, "/readyz").result() == Status::ok; }));
  healthy = false;  // noticed without anyone asking
  EXPECT_TRUE(Eventually([&] { return Get(server, "/readyz").result() == Status::service_unavailable; }));
  healthy = true;
  EXPECT_TRUE(Eventually([&] { return Get(server, "/readyz").result() == Status::ok; }));

  hang = true;
  EXPECT_TRUE(Eventually([&] {
    const auto res = Get(server, "/readyz");  // answers at once, however many probes come
    return JsonOf(res).at("checks").at("db") == "failed: timed out";
  }));
  const int runs_while_hung = runs.load();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Get(server, "/readyz").result(), Status::service_unavailable);
  EXPECT_EQ(runs.load(), runs_while_hung);  // probes do not pile up checks behind the hung one
  hang = false;
  release.set_value();
  EXPECT_TRUE(Eventually([&] { return Get(server, "/readyz").result() == Status::ok; }));
}

TEST_F(ServerTest, ReadyzTurns503WhileDraining) {
  auto options = TestOptions();
  options.shutdown_delay = 60s;  // the second Stop() below ends it
  Server server(options);
  server.AddReadinessCheck("db", [] { return true; });
  server.Start();
  EXPECT_TRUE(Eventually([&] { return Get(server, "/readyz").result() == Status::ok; }));
  auto before = Get(server, "/readyz");
  EXPECT_EQ(JsonOf(before).at("status"), "ready");

  server.Stop();
  auto during = Get(server, "/readyz");
  EXPECT_EQ(during.result(), Status::service_unavailable);
  EXPECT_EQ(JsonOf(during).at("status"), "draining");
  EXPECT_FALSE(during.keep_alive());
  EXPECT_EQ(Get(server, "/healthz").result(), Status::ok);

  server.Stop();
  server.Wait();
}

TEST_F(ServerTest, AnAdminPortTakesMetricsAndReadinessDetailsOffThePublicPort) {
  auto options = TestOptions();
  options.admin_port = 0;
  Server server(options);
  AddBookRoutes(server);
  server.AddReadinessCheck("db", []() -> bool { throw std::runtime_error("db.internal:3306 refused"); });
  server.Start();
  ASSERT_NE(server.admin_port(), 0);
  ASSERT_NE(server.admin_port(), server.port());
  const auto admin = [&](const std::string& target) {
    return Await(
        client_.Send(Upstream{"127.0.0.1", server.admin_port()}, MakeRequest(Verb::get, target), 5s));
  };

  EXPECT_EQ(Get(server, "/metrics").result(), Status::not_found);
  const auto public_ready = Get(server, "/readyz");
  EXPECT_EQ(public_ready.result(), Status::service_unavailable);
  EXPECT_EQ(JsonOf(public_ready), boost::json::parse(R"({"status":"not ready"})"));  // no internals
  EXPECT_EQ(Get(server, "/healthz").result(), Status::ok);
  EXPECT_EQ(Get(server, "/books/7").result(), Status::ok);

  Response admin_ready;
  EXPECT_TRUE(Eventually([&] {
    admin_ready = admin("/readyz");
    return JsonOf(admin_ready).at("checks").at("db") == "failed: db.internal:3306 refused";
  })) << admin_ready.body();
  EXPECT_EQ(admin_ready.result(), Status::service_unavailable);
  const auto metrics = admin("/metrics");
  EXPECT_EQ(metrics.result(), Status::ok);
  EXPECT_NE(metrics.body().find("route=\"/books/{id}\",status=\"200\"} 1"), std::string::npos)
      << metrics.body();
  EXPECT_EQ(admin("/healthz").result(), Status::ok);
  EXPECT_EQ(admin("/books/7").result(), Status::not_found);  // the admin port serves no application route
}

TEST_F(ServerTest, ConnectionsBeyondTheCapGet503WithRetryAfterWhileTheAdminPortStillAnswers) {
  auto options = TestOptions();
  options.max_connections = 2;
  options.admin_port = 0;
  Server server(options);
  AddBookRoutes(server);
  server.Start();
  RawConnection first(server.port());
  RawConnection second(server.port());
  ASSERT_TRUE(Eventually([&] { return server.connections_open() == 2; }));

  RawConnection third(server.port());
  third.Send("GET /books/1 HTTP/1.1\r\nHost: test\r\n\r\n");
  const std::string refused = third.ReadToEnd();
  EXPECT_EQ(refused.rfind("HTTP/1.1 503", 0), 0U) << refused;
  EXPECT_NE(refused.find("Retry-After: 1\r\n"), std::string::npos) << refused;
  EXPECT_NE(refused.find("too many open connections"), std::string::npos) << refused;
  EXPECT_NE(refused.find(R"("limit":"HTTP_MAX_CONNECTIONS")"), std::string::npos) << refused;

  RawConnection admin(server.admin_port());
  admin.Send("GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  const std::string metrics = admin.ReadToEnd();
  EXPECT_EQ(metrics.rfind("HTTP/1.1 200", 0), 0U) << metrics;
  EXPECT_NE(metrics.find("http_connections_refused_total 1\n"), std::string::npos) << metrics;

  first.Send("GET /books/1 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(first.ReadToEnd().rfind("HTTP/1.1 200", 0), 0U);  // those within the cap are served
  ASSERT_TRUE(Eventually([&] { return server.connections_open() == 1; }));
  RawConnection fourth(server.port());  // room again
  fourth.Send("GET /books/1 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(fourth.ReadToEnd().rfind("HTTP/1.1 200", 0), 0U);
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequestAndRefusesNewConnections) {
  std::promise<void> entered;
  std::atomic<bool> release{false};
  Server server(TestOptions());
  server.Get("/slow", [&](Context&) -> Awaitable<Response> {
    entered.set_value();
    net::steady_timer timer(co_await net::this_coro::executor);
    while (!release.load()) {
      timer.expires_after(5ms);
      co_await timer.async_wait(net::use_awaitable);
    }
    co_return TextResponse("finished");
  });
  server.Start();
  RawConnection idle(server.port());  // an idle keep-alive connection is closed at drain

  auto in_flight = net::co_spawn(
      ioc_, client_.Send(Upstream{"127.0.0.1", server.port()}, MakeRequest(Verb::get, "/slow"), 10s),
      net::use_future);
  std::thread loop([&] { ioc_.run_for(kDeadline); });
  ASSERT_EQ(entered.get_future().wait_for(kDeadline), std::future_status::ready);

  server.Stop();
  EXPECT_TRUE(Eventually([&] {
    try {
      RawConnection probe(server.port());
      return false;
    } catch (const boost::system::system_error&) {
      return true;  // refused
    }
  }));
  EXPECT_TRUE(idle.ClosedByServer(kDeadline));
  release = true;
  loop.join();
  ASSERT_EQ(in_flight.wait_for(0s), std::future_status::ready);
  auto res = in_flight.get();
  EXPECT_EQ(res.result(), Status::ok);
  EXPECT_EQ(res.body(), "finished");
  EXPECT_FALSE(res.keep_alive());
  server.Wait();
}

TEST_F(ServerTest, MiddlewareRunsInOrderAndBuiltinsBypassIt) {
  Server server(TestOptions());
  server.Use([](Context& ctx, Next next) -> Awaitable<Response> {
    if (ctx.request()["Authorization"] != "Bearer ok") throw Unauthorized("missing token");
    ctx.Set("user", std::string("alice"));
    auto res = co_await next(ctx);
    res.set("X-Order", std::string(res["X-Order"]) + "outer");
    co_return res;
  });
  server.Use([](Context& ctx, Next next) -> Awaitable<Response> {
    auto res = co_await next(ctx);
    res.set("X-Order", "inner,");
    res.set("X-Route", ctx.route().empty() ? std::string("none") : std::string(ctx.route()));
    co_return res;
  });
  server.Get("/me", [](Context& ctx) -> Awaitable<Response> {
    co_return TextResponse(*ctx.Get<std::string>("user"));
  });
  server.Start();

  auto denied = Get(server, "/me");
  EXPECT_EQ(denied.result(), Status::unauthorized);
  EXPECT_EQ(denied[Field::www_authenticate], "Bearer");

  auto req = MakeRequest(Verb::get, "/me");
  req.set(Field::authorization, "Bearer ok");
  auto ok = Send(server, std::move(req));
  EXPECT_EQ(ok.body(), "alice");
  EXPECT_EQ(ok["X-Order"], "inner,outer");
  EXPECT_EQ(ok["X-Route"], "/me");

  EXPECT_EQ(Get(server, "/healthz").result(), Status::ok);  // no token needed
}

TEST_F(ServerTest, HeadGetsHeadersWithoutBody) {
  Server server(TestOptions());
  AddBookRoutes(server);
  server.Start();
  auto get = Get(server, "/books/5");
  auto head = Send(server, MakeRequest(Verb::head, "/books/5"));
  EXPECT_EQ(head.result(), Status::ok);
  EXPECT_TRUE(head.body().empty());
  EXPECT_EQ(head[Field::content_length], std::to_string(get.body().size()));
  EXPECT_EQ(Get(server, "/books/6").result(), Status::ok);  // the connection is still in sync
}

// The server and the client send what the socket takes at once and the rest asynchronously (message_io.h):
// a request and a response far larger than a socket's send buffer arrive whole, and the connection stays
// in sync for the next request.
TEST_F(ServerTest, MessagesLargerThanTheSocketBufferArriveWhole) {
  ServerOptions options = TestOptions();
  options.body_limit = 32 * 1024 * 1024;
  Server server(options);
  AddBookRoutes(server);
  server.Start();
  std::string body(12 * 1024 * 1024, ' ');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 23);
  const auto echoed = Send(server, MakeRequest(Verb::post, "/echo", body), 10s);
  ASSERT_EQ(echoed.result(), Status::ok);
  EXPECT_EQ(echoed.body().size(), body.size());
  EXPECT_TRUE(echoed.body() == body);
  EXPECT_EQ(Get(server, "/books/6").result(), Status::ok);
}

void AddEventRoute(Server& server) {
  server.Get("/events", [](Context& ctx) -> Awaitable<Response> {
    auto stream = co_await ctx.StartEventStream();
    for (int i = 1; i <= 3; ++i) {
      if (!co_await stream.Write(FormatEvent("{\"n\":" + std::to_string(i) + "}", "tick")))
        co_return Response{};
    }
    // Idle until the client leaves or the server stops: both cancel this wait.
    net::steady_timer forever(co_await net::this_coro::executor, std::chrono::hours(1));
    co_await forever.async_wait(net::use_awaitable);
    co_return Response{};
  });
}

TEST_F(ServerTest, EventStreamDeliversChunksAndEndsWhenServerStops) {
  Server server(TestOptions());
  AddEventRoute(server);
  server.Start();
  auto collected = Await([&]() -> Awaitable<std::pair<std::string, bool>> {
    auto stream = co_await client_.OpenStream(Upstream{"127.0.0.1", server.port()},
                                              MakeRequest(Verb::get, "/events"), 5s);
    EXPECT_EQ(stream.head().result(), Status::ok);
    EXPECT_EQ(stream.head()[Field::content_type], "text/event-stream");
    std::string text;
    while (text.find("\"n\":3") == std::string::npos) {
      auto piece = co_await stream.Next();
      if (!piece) co_return std::pair{text, false};
      text += *piece;
    }
    server.Stop();
    while (auto piece = co_await stream.Next()) text += *piece;
    co_return std::pair{text, true};
  }());
  EXPECT_TRUE(collected.second) << "stream ended before three events: " << collected.first;
  EXPECT_NE(collected.first.find("event: tick\ndata: {\"n\":1}\n\n"), std::string::npos) << collected.first;
  EXPECT_NE(collected.first.find("data: {\"n\":3}\n\n"), std::string::npos) << collected.first;
  server.Wait();
}

TEST_F(ServerTest, EventStreamEndsOnTheServerWhenTheClientLeaves) {
  Server server(TestOptions());
  AddEventRoute(server);
  server.Start();
  {
    RawConnection raw(server.port());
    raw.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(raw.WaitReadable(kDeadline));
    ASSERT_TRUE(Eventually(
        [&] { return Get(server, "/metrics").body().find("http_streams_open 1\n") != std::string::npos; }));
  }
  EXPECT_TRUE(Eventually(
      [&] { return Get(server, "/metrics").body().find("http_streams_open 0\n") != std::string::npos; }));
}

TEST_F(ServerTest, HundredsOfStreamsShareTheNetworkThreads) {
  Server server(TestOptions());
  AddEventRoute(server);
  server.Start();
  auto streams_open = [&] {
    const auto text = Get(server, "/metrics").body();
    const auto at = text.find("\nhttp_streams_open ");
    return at == std::string::npos ? -1 : std::stoi(text.substr(at + 19));
  };
  {
    std::vector<std::unique_ptr<RawConnection>> clients;
    for (int i = 0; i < 300; ++i) {
      clients.push_back(std::make_unique<RawConnection>(server.port()));
      clients.back()->Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    EXPECT_TRUE(Eventually([&] { return streams_open() == 300; })) << streams_open();
    EXPECT_EQ(server.thread_count(), 2U);
  }
  EXPECT_TRUE(Eventually([&] { return streams_open() == 0; })) << streams_open();
}

// A throw-away self-signed certificate for localhost (PEM certificate, PEM key).
std::pair<std::string, std::string> SelfSignedCertificate() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"),
                                                          &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn = "localhost";
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_sign(cert.get(), key.get(), EVP_sha256());
  auto to_pem = [](auto write) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    write(bio.get());
    std::string pem(BIO_ctrl_pending(bio.get()), '\0');
    BIO_read(bio.get(), pem.data(), static_cast<int>(pem.size()));
    return pem;
  };
  auto cert_pem = to_pem([&](BIO* b) { PEM_write_bio_X509(b, cert.get()); });
  auto key_pem =
      to_pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  return {cert_pem, key_pem};
}

// TestOptions with a throw-away certificate: the server speaks HTTPS.
ServerOptions TlsTestOptions() {
  auto options = TestOptions();
  std::tie(options.tls_certificate_pem, options.tls_private_key_pem) = SelfSignedCertificate();
  return options;
}

// Writes `text` as this process's OpenSSL configuration (OPENSSL_CONF) for OpenSSL to read later: its path.
std::filesystem::path UseOpenSslConfiguration(std::string_view text) {
  auto path = std::filesystem::temp_directory_path() / ("bookstore-tls-" + std::to_string(getpid()) + ".cnf");
  std::ofstream(path) << text;
  setenv("OPENSSL_CONF", path.c_str(), 1);
  return path;
}

TEST_F(ServerTest, ServesHttpsWhenGivenACertificate) {
  Server server(TlsTestOptions());
  server.Get("/hello", [](Context&) -> Awaitable<Response> { co_return TextResponse("secure"); });
  server.Start();

  net::io_context ioc;
  net::ssl::context tls(net::ssl::context::tls_client);
  tls.set_verify_mode(net::ssl::verify_none);
  beast::ssl_stream<tcp::socket> stream(ioc, tls);
  stream.next_layer().connect({net::ip::make_address("127.0.0.1"), server.port()});
  stream.handshake(net::ssl::stream_base::client);
  beast::http::write(stream, MakeRequest(Verb::get, "/hello"));
  beast::flat_buffer buffer;
  Response res;
  beast::http::read(stream, buffer, res);
  EXPECT_EQ(res.result(), Status::ok);
  EXPECT_EQ(res.body(), "secure");

  // Plain HTTP is not spoken on a TLS port.
  RawConnection plain(server.port());
  plain.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(plain.ReadToEnd().find("secure"), std::string::npos);
}

// The host's OpenSSL configuration is its TLS policy. libs/db tells OpenSSL not to load it implicitly
// (Connector/C would, for connections without TLS); an HTTPS server in such a process must still follow
// it. Here the policy is TLS 1.3 with one cipher suite: a TLS 1.2 client is refused, a TLS 1.3 client that
// offers another suite too, one that offers it is served. In a child process of its own, because OpenSSL
// loads its configuration once per process.
TEST(ServerTls, FollowsTheHostsOpenSslConfigurationAfterTheDatabaseLayerSkippedIt) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const auto config = UseOpenSslConfiguration(
            "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = policy\n"
            "[policy]\nMinProtocol = TLSv1.3\nCiphersuites = TLS_CHACHA20_POLY1305_SHA256\n");
        OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);  // what libs/db does before Connector/C
        Server server(TlsTestOptions());
        server.Get("/hello", [](Context&) -> Awaitable<Response> { co_return TextResponse("secure"); });
        server.Start();
        std::filesystem::remove(config);
        // The client's version and suites are its own, set over the policy it loaded too.
        auto handshake = [&](int version, const char* tls13_suite) {
          net::io_context ioc;
          net::ssl::context tls(net::ssl::context::tls_client);
          tls.set_verify_mode(net::ssl::verify_none);
          SSL_CTX_set_min_proto_version(tls.native_handle(), version);
          SSL_CTX_set_max_proto_version(tls.native_handle(), version);
          SSL_CTX_set_ciphersuites(tls.native_handle(), tls13_suite);
          beast::ssl_stream<tcp::socket> stream(ioc, tls);
          stream.next_layer().connect({net::ip::make_address("127.0.0.1"), server.port()});
          beast::error_code ec;
          stream.handshake(net::ssl::stream_base::client, ec);
          return ec ? "refused" : "accepted";
        };
        const std::string tls12 = handshake(TLS1_2_VERSION, "TLS_CHACHA20_POLY1305_SHA256");
        const std::string other = handshake(TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384");
        const std::string allowed = handshake(TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256");
        std::fprintf(stderr, "TLS 1.2 %s, TLS 1.3 with another suite %s, with the allowed suite %s\n",
                     tls12.c_str(), other.c_str(), allowed.c_str());
        std::_Exit(tls12 == "refused" && other == "refused" && allowed == "accepted" ? 0 : 1);
      },
      ::testing::ExitedWithCode(0),
      "TLS 1.2 refused, TLS 1.3 with another suite refused, with the allowed suite accepted");
}

// A policy that does not load is not replaced by OpenSSL's defaults: the server does not start.
TEST(ServerTls, DoesNotStartWhenTheHostsOpenSslConfigurationDoesNotLoad) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const auto config =
            UseOpenSslConfiguration("openssl_conf = init\n[init]\nno_such_module = policy\n[policy]\n");
        Server server(TlsTestOptions());
        try {
          server.Start();
          std::fprintf(stderr, "started\n");
        } catch (const std::invalid_argument& e) {
          std::fprintf(stderr, "%s\n", e.what());
        }
        std::filesystem::remove(config);
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "cannot load OpenSSL's configuration .*bookstore-tls-.*\\.cnf");
}

TEST(ServerStart, ReportsAnAddressInUse) {
  auto options = TestOptions();
  Server first(options);
  first.Start();
  options.port = first.port();
  Server second(options);
  EXPECT_THROW(second.Start(), std::system_error);
}

}  // namespace
}  // namespace bookstore::http
