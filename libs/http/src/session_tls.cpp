// Sessions over TLS (session.h instantiated for TlsStream); the handshake is part of the session.

#include "session.h"

namespace bookstore::http::detail {

void LaunchTlsSession(ServerCore& server, Worker& worker, tcp::socket socket, std::string remote,
                      std::uint64_t id, bool admin) {
  LaunchSession(worker, std::make_shared<Session<TlsStream>>(
                            server, worker, TlsStream(PlainStream(std::move(socket)), *server.ssl),
                            std::move(remote), id, admin));
}

}  // namespace bookstore::http::detail
