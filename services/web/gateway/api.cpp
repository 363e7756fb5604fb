#include "gateway/api.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <charconv>
#include <stdexcept>

#include "bookstore/http/cache_control.h"
#include "bookstore/http/trace_context.h"
#include "bookstore/log/log.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

// What a cached answer counts against GATEWAY_CACHE_BYTES: its parsed JSON takes about twice its text.
constexpr std::size_t kAnswerOverheadBytes = 256;
// Between two connections of the event stream.
constexpr std::chrono::seconds kFollowRetry{1};

bool IsUnsafe(http::Verb method) {
  return method != http::Verb::get && method != http::Verb::head && method != http::Verb::options;
}

std::string GenericMessage(int status) {
  switch (status) {
    case 400:
      return "Some of the information you entered is not valid.";
    case 401:
      return "Please log in to continue.";
    case 403:
      return "You are not allowed to do that.";
    case 404:
      return "We could not find what you were looking for.";
    case 409:
      return "That could not be done in the current state.";
    case 429:
      return "Too many attempts. Please wait a moment and try again.";
    default:
      break;
  }
  if (status >= 500) {
    return "The store is having trouble right now. Please try again in a moment.";
  }
  return "Something went wrong. Please try again.";
}

std::int64_t ParseTotalCount(std::string_view text) {
  std::int64_t value = -1;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size() && value >= 0 ? value : -1;
}

// A non-empty string member of a JSON object, or "".
std::string StringMember(const json::value& body, std::string_view key) {
  const auto* object = body.if_object();
  if (object == nullptr) {
    return {};
  }
  const auto* value = object->if_contains(key);
  if (value == nullptr || !value->is_string()) {
    return {};
  }
  return std::string(value->as_string());
}

}  // namespace

const json::value& ApiResult::body() const {
  static const json::value kNull;
  return shared_body ? *shared_body : kNull;
}

std::string ApiResult::ErrorMessage() const {
  std::string message = StringMember(body(), "error");
  if (message.empty()) {
    message = StringMember(body(), "detail");
  }
  if (message.empty()) {
    return GenericMessage(status);
  }
  // Services write messages as fragments ("insufficient stock"); pages show sentences.
  if (message[0] >= 'a' && message[0] <= 'z') {
    message[0] = static_cast<char>(message[0] - 'a' + 'A');
  }
  if (message.back() != '.' && message.back() != '!' && message.back() != '?' && message.back() != ')') {
    message += '.';
  }
  return message;
}

std::string ApiResult::ErrorField() const { return StringMember(body(), "field"); }

std::string ClientAddress(const http::Context& ctx) {
  if (const auto* address = ctx.Get<std::string>("client_address")) {
    return *address;
  }
  return std::string(ctx.remote_address());
}

GatewayApi::GatewayApi(http::Client& client, http::Cluster& gateways, std::chrono::milliseconds timeout,
                       std::string proxy_secret, AnswerCache* cache)
    : client_(client),
      cache_(cache),
      gateways_(gateways),
      timeout_(timeout),
      proxy_secret_(std::move(proxy_secret)) {
  if (!gateways_.Configured()) throw std::invalid_argument("GATEWAY_URLS must name at least one gateway");
}

std::shared_ptr<http::Replica> GatewayApi::NextReplica(std::vector<const http::Replica*>& tried,
                                                       const std::optional<http::UpstreamError>& last) const {
  auto replica = gateways_.Pick(http::SteadyClock::now(), tried);
  if (!replica) {
    if (last) throw http::UpstreamError(*last);
    throw http::UpstreamError(http::UpstreamError::Kind::kConnect, "no gateway replica is known yet");
  }
  tried.push_back(replica.get());
  return replica;
}

void GatewayApi::SetForwardingHeaders(http::Request& request, const http::Context& ctx,
                                      const std::string& client_address) const {
  request.set("X-Request-ID", ctx.request_id());
  // The page's trace continues in the gateway and the services behind it.
  if (const std::string traceparent = http::TraceparentOf(ctx); !traceparent.empty()) {
    request.set("traceparent", traceparent);
  }
  request.set("X-Forwarded-For", client_address);
  if (!proxy_secret_.empty()) request.set("X-Proxy-Secret", proxy_secret_);
}

http::Awaitable<ApiResult> GatewayApi::Call(const ApiCall& call, const http::Context& ctx) {
  // Only anonymous reads: with a token, the gateway's check of it (401: logged out) must happen.
  const bool cacheable = cache_ != nullptr && cache_->enabled() && call.method == http::Verb::get &&
                         call.token.empty() && call.may_use_cache;
  std::optional<AnswerCache::Stamp> stamp;
  if (cacheable) {
    if (const auto kept = cache_->Find(call.target, AnswerCache::Clock::now())) {
      co_return ApiResult{
          .status = kept->status, .shared_body = kept->body, .total_count = kept->total_count};
    }
    stamp = cache_->StampNow(AnswerCache::Clock::now());
  }
  std::vector<const http::Replica*> tried;
  std::optional<http::UpstreamError> last;
  for (;;) {
    const auto replica = NextReplica(tried, last);
    http::Request request{call.method, call.target, 11};
    request.set(http::Field::accept, "application/json");
    SetForwardingHeaders(request, ctx, ClientAddress(ctx));
    if (!call.token.empty()) {
      request.set(http::Field::authorization, "Bearer " + call.token);
    }
    if (!call.idempotency_key.empty()) {
      request.set("Idempotency-Key", call.idempotency_key);
    }
    if (!call.body.empty()) {
      request.set(http::Field::content_type, "application/json");
      request.body() = call.body;
    }
    try {
      http::Response response = co_await client_.Send(replica->upstream(), std::move(request), timeout_);
      gateways_.Report(*replica, http::OutcomeOfStatus(response.result_int()), http::SteadyClock::now());
      ApiResult result = Read(call, response, stamp);
      // A write that may have happened: what web kept may show the old state (read your own writes).
      if (cache_ != nullptr && IsUnsafe(call.method) && result.status < 400) cache_->Clear();
      co_return result;
    } catch (const http::UpstreamError& e) {
      gateways_.Report(*replica, http::OutcomeOf(e), http::SteadyClock::now());
      // A request that never left may go to another replica, whatever its method.
      if (e.kind() != http::UpstreamError::Kind::kConnect) throw;
      log::Warn("gateway replica unreachable, trying the next",
                http::RequestLogFields(ctx, {{"upstream", replica->address()}}));
      last = e;
    }
  }
}

ApiResult GatewayApi::Read(const ApiCall& call, http::Response& response,
                           std::optional<AnswerCache::Stamp> stamp) const {
  ApiResult result;
  result.status = static_cast<int>(response.result_int());
  if (!response.body().empty()) {
    boost::system::error_code ec;
    json::value parsed = json::parse(response.body(), ec);
    if (!ec) result.shared_body = std::make_shared<const json::value>(std::move(parsed));
  }
  if (const auto total = response.find("X-Total-Count"); total != response.end()) {
    result.total_count = ParseTotalCount(total->value());
  }
  if (!stamp) return result;
  if (const auto freshness = http::SharedFreshnessOf(response)) {
    auto answer = std::make_shared<const ApiAnswer>(
        ApiAnswer{.status = result.status,
                  .body = result.shared_body ? result.shared_body : std::make_shared<const json::value>(),
                  .total_count = result.total_count});
    const std::size_t bytes = 2 * response.body().size() + call.target.size() + kAnswerOverheadBytes;
    cache_->Put(call.target, *stamp, std::move(answer), bytes,
                AnswerCache::Clock::now() + freshness->remaining());
  }
  return result;
}

http::Awaitable<void> GatewayApi::FollowEvents() {
  if (cache_ == nullptr || !cache_->enabled()) co_return;
  boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor);
  bool said = false;  // the trouble was logged: once per outage, not every second
  for (;;) {
    std::string trouble;
    try {
      trouble = co_await FollowStream();
    } catch (const std::exception& e) {
      trouble = e.what();
    }
    if (cache_->live()) said = false;  // it had been followed: a new outage begins
    cache_->SetLive(false);
    if (!said) {
      log::Warn("no event stream from the gateway: web keeps none of its answers until there is one",
                {{"error", trouble}});
      said = true;
    }
    pause.expires_after(kFollowRetry);
    co_await pause.async_wait(boost::asio::use_awaitable);
  }
}

http::Awaitable<std::string> GatewayApi::FollowStream() {
  http::Request request{http::Verb::get, "/events", 11};
  request.set(http::Field::accept, "text/event-stream");
  std::vector<const http::Replica*> tried;
  const auto replica = NextReplica(tried, std::nullopt);
  auto stream = co_await client_.OpenStream(replica->upstream(), std::move(request), timeout_);
  if (stream.head().result() != http::Status::ok) {
    co_return "refused with status " + std::to_string(stream.head().result_int());
  }
  // The gateway registers a stream before answering: from here on no event can be missed.
  cache_->SetLive(true);
  log::Info("following the gateway's events: its public answers are kept for anonymous pages");
  std::string unread;
  while (auto piece = co_await stream.Next()) {
    unread += *piece;
    std::size_t line_end = 0;
    while ((line_end = unread.find('\n')) != std::string::npos) {
      // "event: book.stock_changed" (anonymous streams carry book.* events only): the gateway dropped
      // its own answers for that book before sending it.
      if (std::string_view{unread}.substr(0, line_end).starts_with("event:")) cache_->Clear();
      unread.erase(0, line_end + 1);
    }
  }
  co_return "the stream ended";
}

http::Awaitable<http::ResponseStream> GatewayApi::OpenEvents(const std::string& token,
                                                             const http::Context& ctx,
                                                             const std::string& client_address) {
  std::vector<const http::Replica*> tried;
  std::optional<http::UpstreamError> last;
  for (;;) {
    const auto replica = NextReplica(tried, last);
    http::Request request{http::Verb::get, "/events", 11};
    request.set(http::Field::accept, "text/event-stream");
    SetForwardingHeaders(request, ctx, client_address);
    if (!token.empty()) {
      request.set(http::Field::authorization, "Bearer " + token);
    }
    try {
      auto stream = co_await client_.OpenStream(replica->upstream(), std::move(request), timeout_);
      const auto now = http::SteadyClock::now();
      const auto outcome = http::OutcomeOfStatus(stream.head().result_int());
      gateways_.Report(*replica, outcome, now);
      // A draining or overloaded replica opened nothing: another one may, as for a connection refused.
      if (outcome != http::Outcome::kUnavailable || gateways_.Pick(now, tried) == nullptr) co_return stream;
      log::Warn("gateway replica refused the event stream, trying the next",
                http::RequestLogFields(ctx, {{"upstream", replica->address()}}));
    } catch (const http::UpstreamError& e) {
      gateways_.Report(*replica, http::OutcomeOf(e), http::SteadyClock::now());
      if (e.kind() != http::UpstreamError::Kind::kConnect) throw;
      last = e;
    }
  }
}

bool GatewayApi::Healthy(boost::asio::io_context& io) const {
  for (const auto& replica : gateways_.Replicas()) {
    try {
      http::Request request{http::Verb::get, "/healthz", 11};
      auto answer = boost::asio::co_spawn(
          io, client_.Send(replica->upstream(), std::move(request), std::chrono::seconds(2)),
          boost::asio::use_future);
      if (answer.get().result_int() == 200) {
        return true;
      }
    } catch (const std::exception&) {
      // try the next replica
    }
  }
  return false;
}

}  // namespace bookstore::web
