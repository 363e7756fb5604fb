// Sessions over plain TCP (session.h instantiated for PlainStream).

#include "session.h"

namespace bookstore::http::detail {

void LaunchPlainSession(ServerCore& server, Worker& worker, tcp::socket socket, std::string remote,
                        std::uint64_t id, bool admin) {
  LaunchSession(worker, std::make_shared<Session<PlainStream>>(server, worker, PlainStream(std::move(socket)),
                                                               std::move(remote), id, admin));
}

}  // namespace bookstore::http::detail
