// The least an HTTP/1.1 reverse proxy written with Asio's C++20 coroutines does per request, as a floor for
// the gateway's cache miss (docs/performance.md, "Scenario 1's cache miss: the floor of an Asio proxy"):
// what the gateway's stack (Asio, one event loop per thread, a coroutine per connection) allows before any
// of the gateway's own work. Not a server to use: GET without a body only, no timeouts, no header
// parsing beyond finding the end of the head and Content-Length, no error answers.
//
//   bench_asio_proxy <listen port> <upstream port> [threads]      (both on 127.0.0.1; threads default 2)
//
// Each connection keeps one upstream connection per thread's pool, as nginx's `keepalive` does; each
// request is read into a buffer, written upstream as it came, and the answer relayed as it came.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;

// Idle upstream connections of the calling thread's event loop.
thread_local std::vector<std::unique_ptr<tcp::socket>> idle_upstreams;

// The length of the head (through the blank line) when `bytes` holds all of it, else 0.
std::size_t HeadLength(std::string_view bytes) {
  const auto end = bytes.find("\r\n\r\n");
  return end == std::string_view::npos ? 0 : end + 4;
}

// The Content-Length of a head (0 when absent).
std::size_t ContentLength(std::string_view head) {
  constexpr std::string_view kName = "\r\ncontent-length:";
  for (std::size_t at = head.find("\r\n"); at != std::string_view::npos; at = head.find("\r\n", at + 2)) {
    if (!boost::beast::iequals(head.substr(at, kName.size()), kName)) continue;
    auto value = head.substr(at + kName.size());
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    std::size_t length = 0;
    std::from_chars(value.data(), value.data() + value.size(), length);
    return length;
  }
  return 0;
}

net::awaitable<std::unique_ptr<tcp::socket>> TakeUpstream(const tcp::endpoint& upstream) {
  if (!idle_upstreams.empty()) {
    auto socket = std::move(idle_upstreams.back());
    idle_upstreams.pop_back();
    co_return socket;
  }
  auto socket = std::make_unique<tcp::socket>(co_await net::this_coro::executor);
  auto [ec] = co_await socket->async_connect(upstream, kTuple);
  if (ec) co_return nullptr;
  socket->set_option(tcp::no_delay(true), ec);
  co_return socket;
}

// Reads from `socket` into `bytes` until it holds a whole message (head and Content-Length bytes of body).
// Returns the message's length, or nullopt when the connection ended or failed first. `chunk` is the
// connection's read buffer.
net::awaitable<std::optional<std::size_t>> ReadMessage(tcp::socket& socket, std::string& bytes,
                                                       std::span<char> chunk) {
  for (;;) {
    if (const std::size_t head = HeadLength(bytes); head > 0) {
      const std::size_t whole = head + ContentLength(std::string_view{bytes}.substr(0, head));
      if (bytes.size() >= whole) co_return whole;
    }
    auto [ec, n] = co_await socket.async_read_some(net::buffer(chunk.data(), chunk.size()), kTuple);
    if (ec) co_return std::nullopt;
    bytes.append(chunk.data(), n);
  }
}

net::awaitable<void> Serve(tcp::socket client, tcp::endpoint upstream) {
  std::string request;
  std::string response;
  const auto chunk = std::make_unique_for_overwrite<char[]>(kReadChunk);  // NOLINT(*-avoid-c-arrays)
  const std::span<char> read_buffer(chunk.get(), kReadChunk);
  for (;;) {
    const auto request_length = co_await ReadMessage(client, request, read_buffer);
    if (!request_length) co_return;
    auto upstream_socket = co_await TakeUpstream(upstream);
    if (!upstream_socket) co_return;
    auto [wec, written] =
        co_await net::async_write(*upstream_socket, net::buffer(request.data(), *request_length), kTuple);
    if (wec) co_return;
    request.erase(0, *request_length);
    response.clear();
    const auto response_length = co_await ReadMessage(*upstream_socket, response, read_buffer);
    if (!response_length) co_return;
    idle_upstreams.push_back(std::move(upstream_socket));
    auto [cec, sent] =
        co_await net::async_write(client, net::buffer(response.data(), *response_length), kTuple);
    if (cec) co_return;
  }
}

net::awaitable<void> Accept(tcp::acceptor& acceptor, std::vector<std::unique_ptr<net::io_context>>& loops,
                            tcp::endpoint upstream) {
  std::size_t next = 0;
  for (;;) {
    auto& loop = *loops[next];
    next = (next + 1) % loops.size();
    tcp::socket socket(loop);
    auto [ec] = co_await acceptor.async_accept(socket, kTuple);
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);
    net::co_spawn(loop, Serve(std::move(socket), upstream), net::detached);
  }
}

std::optional<unsigned> ParseNumber(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

int Run(const std::vector<std::string_view>& args) {
  const auto listen_port = args.size() >= 2 ? ParseNumber(args[0]) : std::nullopt;
  const auto upstream_port = args.size() >= 2 ? ParseNumber(args[1]) : std::nullopt;
  const auto threads = args.size() >= 3 ? ParseNumber(args[2]) : std::optional<unsigned>(2);
  if (!listen_port || !upstream_port || !threads || *threads == 0) {
    std::cerr << "usage: bench_asio_proxy <listen port> <upstream port> [threads]\n";
    return 2;
  }
  const auto loopback = net::ip::make_address("127.0.0.1");
  const tcp::endpoint upstream(loopback, static_cast<std::uint16_t>(*upstream_port));
  std::vector<std::unique_ptr<net::io_context>> loops;
  for (unsigned i = 0; i < *threads; ++i) loops.push_back(std::make_unique<net::io_context>(1));
  tcp::acceptor acceptor(*loops.front(), tcp::endpoint(loopback, static_cast<std::uint16_t>(*listen_port)));
  net::co_spawn(*loops.front(), Accept(acceptor, loops, upstream), net::detached);
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> runners;
  for (auto& loop : loops) {
    work.emplace_back(loop->get_executor());
    runners.emplace_back([&loop] { loop->run(); });
  }
  for (auto& runner : runners) runner.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(std::vector<std::string_view>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "bench_asio_proxy: " << e.what() << '\n';  // e.g. the port is taken
  } catch (...) {
    std::cerr << "bench_asio_proxy: unknown exception\n";
  }
  return 1;
}
