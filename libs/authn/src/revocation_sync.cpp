#include "bookstore/authn/revocation_sync.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bookstore/authn/authn.h"
#include "bookstore/log/log.h"

namespace bookstore::authn {

namespace net = boost::asio;

RevocationSync::RevocationSync(Options options, http::Client& client, auth::RevocationSet& into,
                               net::io_context& io)
    : options_(std::move(options)), client_(client), into_(into), io_(io) {}

void RevocationSync::Load() {
  again_ = true;
  if (running_.exchange(true)) return;  // the running load sees again_ and goes once more
  Spawn();
}

void RevocationSync::Spawn() {
  net::co_spawn(
      io_,
      [this]() -> http::Awaitable<void> {
        auto backoff = options_.retry_initial;
        net::steady_timer timer(co_await net::this_coro::executor);
        for (;;) {
          again_ = false;
          try {
            const auto count =
                co_await FetchRevocations(client_, options_.auth_urls, into_, options_.timeout);
            loaded_ = true;
            log::Info("revocations loaded", {{"count", static_cast<std::int64_t>(count)}});
            backoff = options_.retry_initial;
            if (again_) continue;
            running_ = false;
            // A Load() that came after the check above either saw running_ and left the work to us, or
            // started a load of its own.
            if (again_ && !running_.exchange(true)) continue;
            co_return;
          } catch (const boost::system::system_error& e) {
            if (e.code() == net::error::operation_aborted) co_return;  // shutting down
            log::Warn("loading revocations from auth failed; retrying", {{"error", e.what()}});
          } catch (const std::exception& e) {
            log::Warn("loading revocations from auth failed; retrying", {{"error", e.what()}});
          }
          timer.expires_after(backoff);
          auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
          if (ec) co_return;
          backoff = std::min(backoff * 2, options_.retry_max);
        }
      },
      net::detached);
}

namespace {

std::vector<std::string> FeedBindingKeys(std::vector<std::string> also) {
  also.insert(also.begin(), "auth.token_revoked");
  return also;
}

}  // namespace

RevocationFeed::RevocationFeed(const bus::Options& bus, std::string auth_urls, http::Client& client,
                               auth::RevocationSet& into, net::io_context& io, AlsoFeed also)
    : also_(std::move(also)),
      sync_(RevocationSync::Options{.auth_urls = std::move(auth_urls)}, client, into, io),
      subscriber_(
          bus, FeedBindingKeys(also_.binding_keys),
          [this, &into](const bus::Event& event) {
            if (event.type != "auth.token_revoked") {
              if (also_.handler) also_.handler(event);
              return;
            }
            if (!event.data.is_object() || !ApplyTokenRevoked(event.data.as_object(), into)) {
              log::Warn("malformed auth.token_revoked", {{"event_id", event.id}});
            }
          },
          [this] {
            if (also_.on_connected) also_.on_connected();
            sync_.Load();
          }) {
  sync_.Load();
}

}  // namespace bookstore::authn
