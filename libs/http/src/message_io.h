#pragma once
// Reading and writing HTTP/1.1 messages, for the server (requests in, responses out) and the client (the
// reverse), with Beast's parser and Asio's sockets, and less machinery per message than Beast's own
// http::async_read (docs/performance.md, "Scenario 1's cache miss").
//
// ReadMessage: Beast's http::async_read and async_read_header do the same through two nested composed
// operations, each tracking work on the executor, and complete through a post to the event loop when the
// bytes were already buffered (a pipelined or just-read request: every request the server parses). Here
// the parser is fed in place and only a socket read is awaited.
//
// SendNow: with epoll, a message written the way nginx writes, with one non-blocking send at once; only
// what the socket did not take (a full send buffer: a slow reader, a large body) is left to an asynchronous
// write. With io_uring every write is asynchronous (kSendAtOnce).
// An Asio write that completes at once still costs a timer armed and cancelled (Beast's tcp_stream), a
// composed operation and a post to the event loop before the coroutine goes on.

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <cerrno>
#include <cstddef>

#include "bookstore/http/message.h"

namespace bookstore::http::detail {

enum class ReadUntil {
  kHeader,   // the head is parsed (a body may follow)
  kMessage,  // the whole message is parsed
};

// Feeds `parser` what `buffer` holds, then what `stream` delivers (read into `buffer`, `read_chunk` bytes
// at a time), until the part `until` names is parsed. What the parser did not take stays in `buffer`
// (the start of a pipelined message). Errors as Beast's http::async_read gives them: end_of_stream when
// the stream ended before any byte of the message, partial_message when it ended inside one (or the
// parser's error, e.g. header_limit, body_limit), the stream's own error (timeout, cancellation) as is.
template <typename Stream, bool kIsRequest>
Awaitable<boost::beast::error_code> ReadMessage(Stream& stream, boost::beast::flat_buffer& buffer,
                                                boost::beast::http::basic_parser<kIsRequest>& parser,
                                                ReadUntil until, std::size_t read_chunk) {
  namespace bhttp = boost::beast::http;
  const auto reached = [&] {
    return until == ReadUntil::kHeader ? parser.is_header_done() : parser.is_done();
  };
  boost::beast::error_code ec;
  while (!reached()) {
    if (buffer.size() > 0) {
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec && ec != bhttp::error::need_more) co_return ec;
      // Progress without an error: the head, or a piece of the body, was parsed; look again.
      if (!ec && used > 0) continue;
      ec = {};
    }
    auto [read_error, n] = co_await stream.async_read_some(buffer.prepare(read_chunk),
                                                           boost::asio::as_tuple(boost::asio::use_awaitable));
    buffer.commit(n);
    if (read_error == boost::asio::error::eof) {
      if (!parser.got_some()) co_return bhttp::error::end_of_stream;
      // A message may end with the connection (a response without Content-Length); else partial_message.
      parser.put_eof(ec);
      co_return ec;
    }
    if (read_error) co_return read_error;
  }
  co_return ec;
}

// Whether a write is tried at once, before any asynchronous write. With epoll (BOOKSTORE_ASIO_IO_URING=OFF)
// one send now saves the reactor's round trip; with io_uring (ON) the asynchronous write is one more
// entry of the ring the event loop submits anyway, where a send now is a system call of its own
// (docs/performance.md, "The event loop on io_uring").
#if defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
inline constexpr bool kSendAtOnce = false;
#else
inline constexpr bool kSendAtOnce = true;
#endif

// Sends what `socket` takes of `buffers` now, without waiting (nothing when !kSendAtOnce): the bytes sent.
// `ec` is set only for a real failure, not when the send buffer is full; the caller writes the rest, if
// any, asynchronously. The send is non-blocking (MSG_DONTWAIT), not the socket: io_uring reads a socket
// that is blocking in Asio's view with one receive the kernel completes when data comes, a non-blocking one
// with a receive that finds nothing, a poll and a second receive.
template <typename ConstBuffers>
std::size_t SendNow(boost::asio::ip::tcp::socket& socket, const ConstBuffers& buffers,
                    boost::beast::error_code& ec) {
  if constexpr (!kSendAtOnce) return 0;
  constexpr std::size_t kMaxPieces = 4;  // more are left to the asynchronous write
  std::array<iovec, kMaxPieces> pieces{};
  std::size_t count = 0;
  for (auto it = boost::asio::buffer_sequence_begin(buffers);
       it != boost::asio::buffer_sequence_end(buffers) && count < kMaxPieces; ++it) {
    const boost::asio::const_buffer piece(*it);
    if (piece.size() == 0) continue;
    // sendmsg's iovec is not const; it only reads from it.
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
    pieces.at(count++) = iovec{const_cast<void*>(piece.data()), piece.size()};
  }
  if (count == 0) return 0;
  msghdr message{};
  message.msg_iov = pieces.data();
  message.msg_iovlen = count;
  const ssize_t sent = ::sendmsg(socket.native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (sent >= 0) return static_cast<std::size_t>(sent);
  if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    ec.assign(errno, boost::system::system_category());
  }
  return 0;
}

}  // namespace bookstore::http::detail
